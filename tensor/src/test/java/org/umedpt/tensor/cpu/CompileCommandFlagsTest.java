package org.umedpt.tensor.cpu;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code -XX:CompileCommand=dontinline} list that keeps some vector kernels out of C2's
 * inlining (DESIGN-NOTES, "Small methods are not enough") is written twice, in the {@code umedpt}
 * launcher and in the root pom's {@code umedpt.jvm.flags}. HotSpot ignores a command that names no
 * method, so a renamed kernel would silently bring the boxing back: both lists must be equal and
 * name methods that exist.
 */
class CompileCommandFlagsTest {
    private static final Pattern DONTINLINE = Pattern.compile("-XX:CompileCommand=dontinline,([\\w.]+)::(\\w+)");

    private static Set<String> commands(Path file) throws IOException {
        Set<String> found = new TreeSet<>();
        Matcher m = DONTINLINE.matcher(Files.readString(file));
        while (m.find()) found.add(m.group(1) + "::" + m.group(2));
        return found;
    }

    @Test
    void launcherAndSurefireKeepTheSameKernelsOutOfInliningAndTheyExist() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Set<String> launcher = commands(root.resolve("umedpt")), pom = commands(root.resolve("pom.xml"));
        assertFalse(launcher.isEmpty(), "no dontinline command in " + root.resolve("umedpt"));
        assertEquals(launcher, pom, "the umedpt launcher and pom.xml's umedpt.jvm.flags differ");
        assertTrue(Files.readString(root.resolve("umedpt")).contains("-XX:CompileCommand=quiet"), "launcher: quiet must come first");
        for (String c : launcher) {
            String[] parts = c.split("::");
            Class<?> k = Class.forName(parts[0]);
            assertTrue(Arrays.stream(k.getDeclaredMethods()).anyMatch(method -> method.getName().equals(parts[1])),
                    c + ": no such method, so the command would do nothing");
        }
    }
}
