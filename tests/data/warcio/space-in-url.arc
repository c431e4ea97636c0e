filedesc://E04-CRAWL-51-20040925000741-00424-crawling001.archive.org.arc 0.0.0.0 20040925000741 text/plain 1406
1 1 InternetArchive
URL IP-address Archive-date Content-type Archive-length
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<arcmetadata xmlns="http://archive.org/arc/1.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:arc="http://archive.org/arc/1.0/" xsi:schemaLocation="http://archive.org/arc/1.0/ http://www.archive.org/arc/1.0/arc.xsd">
<arc:software>Heritrix 1.0.5-20040923164426 http://crawler.archive.org</arc:software>
<arc:hostname>crawling001.archive.org</arc:hostname>
<arc:ip>209.237.234.249</arc:ip>
<dcterms:isPartOf>E04-CRAWL-51</dcterms:isPartOf>
<dc:description>E04-CRAWL-51</dc:description>
<arc:operator>Igor Ranitovic, Dan Avery</arc:operator>
<dc:publisher>Internet Archive</dc:publisher>
<dcterms:audience>Library of Congress</dcterms:audience>
<dc:date xsi:type="dcterms:W3CDTF">2004-09-24T03:57:23+00:00</dc:date>
<arc:http-header-user-agent>Mozilla/5.0 (compatible; archive.org_bot/1.0.5-20040923164426 +http://www.loc.gov/minerva/crawl.html)</arc:http-header-user-agent>
<arc:http-header-from>archive-crawler-agent@lists.sourceforge.net</arc:http-header-from>
<arc:robots>ignore</arc:robots>
<dc:format>ARC file version 1.1</dc:format>
<dcterms:conformsTo xsi:type="dcterms:URI">http://www.archive.org/web/researcher/ArcFileFormat.php</dcterms:conformsTo>
</arcmetadata>

http://www.melforsenate.org/index.cfm?FuseAction=Home.Email&EmailTitle=Martinez Targets Castor Backer&EmailURL=http%3A%2F%2Fwww%2Emelforsenate%2Eorg%2Findex%2Ecfm%3FFuseaction%3DArticles%2EView%26Article%5Fid%3D187&IsPopUp=True 65.36.164.67 20040925001013 text/html 149
HTTP/1.1 400 Bad Request
Content-Type: text/html
Date: Sat, 25 Sep 2004 00:12:16 GMT
Connection: close
Content-Length: 20

<h1>Bad Request</h1>
