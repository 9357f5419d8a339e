package org.umedpt.multitask.data;

import org.umedpt.multitask.data.io.DataFormatException;
import org.umedpt.multitask.eval.Box;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Detection from Pascal VOC XML: one {@code <annotation>} per image with {@code <filename>},
 * {@code <size>} and {@code <object><name/><bndbox>xmin ymin xmax ymax</bndbox></object>}. Box
 * corners are taken as given (pixel coordinates, no +1). Object names must be among
 * {@code classes} (their order gives the class ids). Optional split lists (VOC ImageSets: one
 * image id per line) give the source's own split. XML is parsed with DTDs and external entities off.
 */
public final class VocReader {
    private VocReader() {}

    public static Source read(Path annotations, Path images, List<String> classes, Map<Source.Split, Path> splitLists) {
        DataFiles.folder(annotations, "annotation folder");
        DataFiles.folder(images, "image folder");
        List<Path> xmls = DataFiles.images(annotations, "*.xml");
        if (xmls.isEmpty()) throw new DataFormatException("annotation folder " + annotations + ": no .xml files");
        Map<String, Integer> skipped = new LinkedHashMap<>();
        Map<String, Item> byId = new LinkedHashMap<>();
        var parser = DataFiles.xml();
        for (Path x : xmls) {
            DataFiles.file(x, "VOC annotation");
            Document d;
            try {
                d = parser.parse(x.toFile());
            } catch (org.xml.sax.SAXException e) {
                throw new DataFormatException("VOC annotation " + x + ": malformed XML: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new DataFormatException("VOC annotation " + x + ": cannot read: " + e.getMessage(), e);
            }
            Element root = d.getDocumentElement();
            if (!root.getTagName().equals("annotation")) {
                throw new DataFormatException("VOC annotation " + x + ": root element <" + root.getTagName() + ">, expected <annotation>");
            }
            String id = DataFiles.stem(x);
            String fname = text(root, "filename");
            Path img = images.resolve(fname == null || fname.isBlank() ? id + ".jpg" : fname.trim());
            if (!Files.exists(img) && fname != null && !fname.contains(".")) img = images.resolve(fname.trim() + ".jpg");
            DataFiles.file(img, "VOC annotation " + x + ": image");
            int[] size = ImageRef.file(img).size();
            List<Box> boxes = new ArrayList<>();
            NodeList objs = root.getElementsByTagName("object");
            for (int i = 0; i < objs.getLength(); i++) {
                Element o = (Element) objs.item(i);
                String name = text(o, "name");
                int c = name == null ? -1 : classes.indexOf(name.trim());
                if (c < 0) throw new DataFormatException("VOC annotation " + x + ": object " + (i + 1) + " has unknown class name '" + name + "'; classes: " + classes);
                NodeList bb = o.getElementsByTagName("bndbox");
                if (bb.getLength() != 1) throw new DataFormatException("VOC annotation " + x + ": object " + (i + 1) + " has " + bb.getLength() + " <bndbox>, expected 1");
                Element b = (Element) bb.item(0);
                BoxRules.add(boxes, skipped, num(x, b, "xmin"), num(x, b, "ymin"), num(x, b, "xmax"), num(x, b, "ymax"), c, size[1], size[0]);
            }
            if (boxes.isEmpty()) Source.count(skipped, "image without usable boxes (kept as background)");
            byId.put(id, new Item(id, id, "", ImageRef.file(img), -1, null, null, boxes));
        }
        Map<Source.Split, List<Item>> own = null;
        if (splitLists != null && !splitLists.isEmpty()) {
            own = new EnumMap<>(Source.Split.class);
            for (Source.Split s : Source.Split.values()) {
                List<Item> list = new ArrayList<>();
                Path f = splitLists.get(s);
                if (f != null) {
                    List<String> lines;
                    try {
                        lines = Files.readAllLines(DataFiles.file(f, "split list"));
                    } catch (IOException e) {
                        throw new DataFormatException("split list " + f + ": cannot read: " + e.getMessage(), e);
                    }
                    for (int i = 0; i < lines.size(); i++) {
                        String id = lines.get(i).trim();
                        if (id.isEmpty()) continue;
                        Item it = byId.get(id);
                        if (it == null) throw new DataFormatException("split list " + f + " line " + (i + 1) + ": image id '" + id + "' has no annotation in " + annotations);
                        list.add(it);
                    }
                }
                own.put(s, list);
            }
        }
        return new Source(new ArrayList<>(byId.values()), own, classes, skipped);
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? null : n.item(0).getTextContent();
    }

    private static float num(Path x, Element b, String tag) {
        String t = text(b, tag);
        try {
            return Float.parseFloat(t.trim());
        } catch (RuntimeException e) {
            throw new DataFormatException("VOC annotation " + x + ": <" + tag + "> holds '" + t + "', expected a number");
        }
    }
}
