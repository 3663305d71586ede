package io.deptcrypt.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Looks for markers (random tokens that exist only inside events' plaintext) in the bytes of every file under a
 * directory, as someone with the broker's disks would.
 */
final class PlaintextScan {

    private PlaintextScan() {}

    /** marker → files containing it (markers found nowhere are absent from the map). */
    static Map<String, TreeSet<Path>> find(Collection<Path> roots, Collection<String> markers) throws IOException {
        Map<String, TreeSet<Path>> found = new LinkedHashMap<>();
        for (Path root : roots) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(root)) {
                files = s.filter(Files::isRegularFile).toList();
            }
            for (Path f : files) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(f);
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue; // a segment deleted or an index rolled while scanning
                }
                // ISO-8859-1 maps every byte to one char, so indexOf on the string is a byte search.
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                for (String m : markers) {
                    if (text.contains(m)) {
                        found.computeIfAbsent(m, k -> new TreeSet<>()).add(f);
                    }
                }
            }
        }
        return found;
    }
}
