package org.umedpt.multitask.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.umedpt.multitask.data.io.DataFormatException;
import org.umedpt.multitask.eval.Box;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Detection from a COCO JSON file: {@code images} (id, file_name, width, height),
 * {@code annotations} (image_id, category_id, bbox as [x, y, width, height]) and
 * {@code categories} (id, name). Classes are the category names in id order, or the given names
 * (a category not among them is an error). Crowd annotations ({@code iscrowd: 1}) are skipped and
 * counted: they mark regions, not objects.
 */
public final class CocoReader {
    private CocoReader() {}

    public static Source read(Path json, Path images, List<String> classes) {
        DataFiles.file(json, "COCO file");
        DataFiles.folder(images, "image folder");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new DataFormatException("COCO file " + json + ": malformed JSON: " + e.getMessage().split("\n")[0], e);
        }
        for (String f : List.of("images", "annotations", "categories")) {
            if (root == null || !root.path(f).isArray()) throw new DataFormatException("COCO file " + json + ": no '" + f + "' array");
        }
        TreeMap<Long, String> cats = new TreeMap<>();
        for (JsonNode c : root.get("categories")) cats.put(need(json, c, "id", "categories").asLong(), need(json, c, "name", "categories").asText());
        List<String> names = classes != null ? List.copyOf(classes) : List.copyOf(cats.values());
        Map<Long, Integer> catIndex = new LinkedHashMap<>();
        for (var e : cats.entrySet()) {
            int i = names.indexOf(e.getValue());
            if (i < 0) throw new DataFormatException("COCO file " + json + ": category " + e.getKey() + " '" + e.getValue() + "' is not a class name; classes: " + names);
            catIndex.put(e.getKey(), i);
        }
        Map<Long, JsonNode> imgs = new LinkedHashMap<>();
        for (JsonNode im : root.get("images")) imgs.put(need(json, im, "id", "images").asLong(), im);
        Map<Long, List<Box>> boxes = new LinkedHashMap<>();
        Map<String, Integer> skipped = new LinkedHashMap<>();
        int k = 0;
        for (JsonNode a : root.get("annotations")) {
            String where = "annotations[" + k++ + "]";
            long imageId = need(json, a, "image_id", where).asLong();
            JsonNode im = imgs.get(imageId);
            if (im == null) throw new DataFormatException("COCO file " + json + ": " + where + ".image_id " + imageId + " is not in 'images'");
            if (a.path("iscrowd").asInt(0) == 1) {
                Source.count(skipped, "crowd annotation");
                continue;
            }
            Integer c = catIndex.get(need(json, a, "category_id", where).asLong());
            if (c == null) throw new DataFormatException("COCO file " + json + ": " + where + ".category_id " + a.get("category_id") + " is not in 'categories'");
            JsonNode b = need(json, a, "bbox", where);
            if (!b.isArray() || b.size() != 4 || !b.get(0).isNumber() || !b.get(1).isNumber() || !b.get(2).isNumber() || !b.get(3).isNumber()) {
                throw new DataFormatException("COCO file " + json + ": " + where + ".bbox is " + b + ", expected [x, y, width, height]");
            }
            float x = (float) b.get(0).asDouble(), y = (float) b.get(1).asDouble(), w = (float) b.get(2).asDouble(), h = (float) b.get(3).asDouble();
            BoxRules.add(boxes.computeIfAbsent(imageId, i -> new ArrayList<>()), skipped, x, y, x + w, y + h, c,
                    need(json, im, "width", "images").asInt(), need(json, im, "height", "images").asInt());
        }
        List<Item> items = new ArrayList<>();
        for (var e : imgs.entrySet()) {
            String file = need(json, e.getValue(), "file_name", "images").asText();
            Path p = images.resolve(file);
            DataFiles.file(p, "COCO file " + json + ": image");
            List<Box> bx = boxes.getOrDefault(e.getKey(), List.of());
            if (bx.isEmpty()) Source.count(skipped, "image without usable boxes (kept as background)");
            items.add(new Item(file, file, "", ImageRef.file(p), -1, null, null, bx));
        }
        return new Source(items, null, names, skipped);
    }

    private static JsonNode need(Path json, JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new DataFormatException("COCO file " + json + ": " + where + " entry without '" + field + "'");
        return v;
    }
}
