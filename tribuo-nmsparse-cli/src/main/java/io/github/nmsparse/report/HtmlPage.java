package io.github.nmsparse.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML page: its pictures are embedded as data URIs, so the page works on its own, and are also
 * written beside it as PNG files for other documents to use. A small script marks the page's body with {@code
 * data-images-ok="true"} once every picture has loaded, which a headless browser can check.
 */
final class HtmlPage {

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final Map<String, byte[]> pictures = new LinkedHashMap<>();

    HtmlPage(String title) {
        this.title = title;
    }

    HtmlPage heading(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    HtmlPage paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /**
     * @param fileName the PNG's file name, also its id in the page
     * @param png      the picture
     * @param caption  what it shows
     */
    HtmlPage picture(String fileName, byte[] png, String caption) {
        if (pictures.put(fileName, png) != null) {
            throw new IllegalArgumentException("two pictures named " + fileName);
        }
        body.append("<figure><img id=\"").append(escape(fileName)).append("\" alt=\"").append(escape(caption))
                .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                .append("\"><figcaption>").append(escape(caption)).append("</figcaption></figure>\n");
        return this;
    }

    HtmlPage table(List<String> header, List<List<String>> rows) {
        body.append("<table>\n<tr>");
        header.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
        body.append("</tr>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            row.forEach(cell -> body.append("<td>").append(escape(cell)).append("</td>"));
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** @return the file names of the pictures, in page order */
    List<String> pictureNames() {
        return List.copyOf(pictures.keySet());
    }

    /**
     * Writes index.html and the PNGs into a directory.
     *
     * @return the page's path
     */
    Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        for (Map.Entry<String, byte[]> picture : pictures.entrySet()) {
            Files.write(directory.resolve(picture.getKey()), picture.getValue());
        }
        Path page = directory.resolve("index.html");
        Files.writeString(page, html(), StandardCharsets.UTF_8);
        return page;
    }

    String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:right}"
                + "th{background:#eee}figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}"
                + "figcaption{font-size:.9em;color:#555}</style>\n</head>\n<body>\n<h1>" + escape(title) + "</h1>\n" + body
                + "<script>window.addEventListener('load',function(){var ok=Array.prototype.every.call(document.images,"
                + "function(i){return i.complete&&i.naturalWidth>0;});document.body.setAttribute('data-images-ok',String(ok));"
                + "document.body.setAttribute('data-image-count',String(document.images.length));});</script>\n"
                + "</body>\n</html>\n";
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
