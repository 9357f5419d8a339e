package org.umedpt.multitask.task;

import org.umedpt.multitask.InputException;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node of a parsed manifest with its key path ({@code tasks[3].reader.masks}), so that every
 * validation error names where it is, what was found and what was expected:
 * {@code manifest m.yaml: tasks[3].reader.masks: expected a path (text), found 42}.
 */
final class ManifestNode {
    final String file, path;
    final JsonNode node;

    ManifestNode(String file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    IllegalArgumentException error(String key, String message) {
        String at = key == null ? path : path.isEmpty() ? key : path + "." + key;
        return new InputException("manifest " + file + ": " + (at.isEmpty() ? "" : at + ": ") + message);
    }

    static String found(JsonNode v) {
        if (v == null || v.isMissingNode()) return "nothing";
        if (v.isNull()) return "null";
        if (v.isTextual()) return "'" + v.asText() + "' (text)";
        if (v.isBoolean()) return v.asText() + " (boolean)";
        if (v.isNumber()) return v.asText() + " (number)";
        if (v.isArray()) return "a list of " + v.size();
        return "a mapping with keys " + fields(v);
    }

    private static List<String> fields(JsonNode v) {
        List<String> f = new ArrayList<>();
        v.fieldNames().forEachRemaining(f::add);
        return f;
    }

    /** Fails on any key not in {@code known}, naming the nearest known one. */
    ManifestNode keys(Set<String> known) {
        if (!node.isObject()) throw error(null, "expected a mapping, found " + found(node));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw error(k, "unknown key; expected one of " + new java.util.TreeSet<>(known) + nearest(k, known));
            }
        }
        return this;
    }

    private static String nearest(String k, Set<String> known) {
        String best = null;
        int bd = Integer.MAX_VALUE;
        for (String c : known) {
            int d = distance(k, c);
            if (d < bd) {
                bd = d;
                best = c;
            }
        }
        return best != null && bd <= 3 ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    ManifestNode child(String key) {
        return new ManifestNode(file, path.isEmpty() ? key : path + "." + key, node.get(key));
    }

    ManifestNode object(String key, boolean required) {
        if (!has(key)) {
            if (required) throw error(key, "missing; expected a mapping");
            return null;
        }
        ManifestNode c = child(key);
        if (!c.node.isObject()) throw error(key, "expected a mapping, found " + found(c.node));
        return c;
    }

    List<ManifestNode> list(String key, boolean required) {
        if (!has(key)) {
            if (required) throw error(key, "missing; expected a list");
            return null;
        }
        JsonNode v = node.get(key);
        if (!v.isArray()) throw error(key, "expected a list, found " + found(v));
        List<ManifestNode> out = new ArrayList<>();
        String base = path.isEmpty() ? key : path + "." + key;
        for (int i = 0; i < v.size(); i++) out.add(new ManifestNode(file, base + "[" + i + "]", v.get(i)));
        return out;
    }

    String text(String key, String fallback) {
        if (!has(key)) {
            if (fallback == null) throw error(key, "missing; expected text");
            return fallback;
        }
        JsonNode v = node.get(key);
        if (!v.isTextual()) throw error(key, "expected text, found " + found(v));
        return v.asText();
    }

    String optionalText(String key) {
        return has(key) ? text(key, "") : null;
    }

    String choice(String key, String fallback, Set<String> allowed) {
        String v = text(key, fallback);
        if (!allowed.contains(v)) throw error(key, "found '" + v + "', expected one of " + new java.util.TreeSet<>(allowed));
        return v;
    }

    long integer(String key, long fallback, long min, long max) {
        if (!has(key)) return fallback;
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber()) throw error(key, "expected an integer, found " + found(v));
        long x = v.asLong();
        if (x < min || x > max) throw error(key, "found " + x + ", expected an integer in [" + min + ", " + max + "]");
        return x;
    }

    int integer(String key, int fallback, int min, int max) {
        return (int) integer(key, (long) fallback, min, (long) max);
    }

    double number(String key, double fallback, double min, double max) {
        if (!has(key)) return fallback;
        JsonNode v = node.get(key);
        if (!v.isNumber()) throw error(key, "expected a number, found " + found(v));
        double x = v.asDouble();
        if (!(x >= min && x <= max)) throw error(key, "found " + x + ", expected a number in [" + min + ", " + max + "]");
        return x;
    }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) return fallback;
        JsonNode v = node.get(key);
        if (!v.isBoolean()) throw error(key, "expected true or false, found " + found(v));
        return v.asBoolean();
    }

    List<String> texts(String key) {
        List<ManifestNode> l = list(key, false);
        if (l == null) return null;
        List<String> out = new ArrayList<>();
        for (ManifestNode n : l) {
            if (!n.node.isTextual() && !n.node.isNumber()) throw n.error(null, "expected text, found " + found(n.node));
            String s = n.node.asText();
            if (out.contains(s)) throw n.error(null, "'" + s + "' appears twice; expected distinct names");
            out.add(s);
        }
        if (out.isEmpty()) throw error(key, "empty list; expected at least one name");
        return out;
    }

    /** An integer → integer mapping (YAML keys are text: "255: 1"). */
    Map<Integer, Integer> intMap(String key) {
        ManifestNode m = object(key, false);
        if (m == null) return null;
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = m.node.fields(); it.hasNext(); ) {
            var e = it.next();
            int k;
            try {
                k = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException ex) {
                throw m.error(e.getKey(), "expected an integer mask value as key, found '" + e.getKey() + "'");
            }
            if (!e.getValue().isIntegralNumber() || e.getValue().asInt() < 0) {
                throw m.error(e.getKey(), "expected a class id (integer >= 0), found " + found(e.getValue()));
            }
            out.put(k, e.getValue().asInt());
        }
        if (out.isEmpty()) throw error(key, "empty mapping; expected mask value: class id pairs");
        return out;
    }
}
