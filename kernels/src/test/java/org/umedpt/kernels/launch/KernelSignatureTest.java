package org.umedpt.kernels.launch;

import org.junit.jupiter.api.Test;
import org.umedpt.tensor.BinaryOp;
import org.umedpt.tensor.UnaryOp;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Argument packing against the kernels as written: parses every {@code extern "C" __global__}
 * function of {@code src/main/cuda} and checks that the launchers declare each one, in the right
 * file, with the parameter types in order; and that the op codes of elementwise.cu are the
 * ordinals of {@link UnaryOp} and {@link BinaryOp}.
 */
class KernelSignatureTest {
    static final Path SOURCES = Path.of("src/main/cuda");
    static final List<Class<?>> LAUNCHERS = List.of(ElementwiseKernels.class, ReduceKernels.class, SoftmaxKernels.class,
            LayerNormKernels.class, LayoutKernels.class, WindowKernels.class, AttentionKernels.class, Im2colKernels.class, LossKernels.class,
            PoolKernels.class, ResizeKernels.class);
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);

    /** name → "file:signature" for every kernel in the sources. */
    static Map<String, String> kernelsInSources() throws IOException {
        Map<String, String> found = new TreeMap<>();
        try (var files = Files.list(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cu")).sorted().toList()) {
                String file = f.getFileName().toString().replace(".cu", "");
                Matcher m = KERNEL.matcher(Files.readString(f));
                while (m.find()) found.put(m.group(1), file + ":" + signature(m.group(2)));
            }
        }
        return found;
    }

    static String signature(String params) {
        StringBuilder sb = new StringBuilder();
        for (String p : params.split(",")) {
            String t = p.trim();
            if (t.contains("*")) sb.append('p');
            else if (t.startsWith("int ")) sb.append('i');
            else if (t.startsWith("float ")) sb.append('f');
            else throw new IllegalArgumentException("kernel parameter of an unsupported type: " + t);
        }
        return sb.toString();
    }

    static Map<String, String> kernelsDeclared() throws IllegalAccessException {
        Map<String, String> declared = new TreeMap<>();
        for (Class<?> c : LAUNCHERS) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getType() == Kernel.class && Modifier.isStatic(f.getModifiers())) {
                    Kernel k = (Kernel) f.get(null);
                    declared.put(k.name(), k.file() + ":" + k.signature());
                }
            }
        }
        return declared;
    }

    @Test
    void everyKernelIsDeclaredWithItsSignature() throws Exception {
        assertEquals(kernelsInSources(), kernelsDeclared(), "kernels in src/main/cuda (file:signature) vs the launchers' declarations");
    }

    @Test
    void opCodesAreTheEnumOrdinals() throws IOException {
        String src = Files.readString(SOURCES.resolve("elementwise.cu"));
        assertEquals(names(UnaryOp.values(), "U_"), enumBody(src, "UnaryCode"));
        assertEquals(names(BinaryOp.values(), "B_"), enumBody(src, "BinaryCode"));
    }

    private static List<String> names(Enum<?>[] values, String prefix) {
        return Arrays.stream(values).map(v -> prefix + v.name()).collect(Collectors.toList());
    }

    private static List<String> enumBody(String src, String name) {
        Matcher m = Pattern.compile("enum " + name + " \\{([^}]*)\\}").matcher(src);
        if (!m.find()) throw new AssertionError("enum " + name + " not found in elementwise.cu");
        List<String> out = new ArrayList<>();
        for (String s : m.group(1).split(",")) out.add(s.trim());
        return out;
    }
}
