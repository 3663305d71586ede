package io.deptcrypt.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        Search search = Search.of(markers);
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
                for (String m : search.hits(text)) {
                    found.computeIfAbsent(m, k -> new TreeSet<>()).add(f);
                }
            }
        }
        return found;
    }

    /**
     * The markers found in a text. Thousands of markers over a cluster's files make one {@code contains} per marker
     * and file far too slow; when the markers share a prefix of 4 or more characters and have one length (the event
     * generator's {@code DCMK<hex>}), each occurrence of the prefix is looked up in a set instead.
     */
    private record Search(Set<String> markers, String prefix, int length) {

        static Search of(Collection<String> markers) {
            Set<String> set = new HashSet<>(markers);
            String prefix = null;
            int length = -1;
            for (String m : set) {
                prefix = prefix == null ? m : commonPrefix(prefix, m);
                length = length == -1 || length == m.length() ? m.length() : -2;
            }
            boolean fast = prefix != null && prefix.length() >= 4 && length > 0;
            return new Search(set, fast ? prefix : null, length);
        }

        List<String> hits(String text) {
            List<String> hits = new ArrayList<>();
            if (prefix == null) {
                markers.stream().filter(text::contains).forEach(hits::add);
                return hits;
            }
            for (int at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
                if (at + length <= text.length()) {
                    String candidate = text.substring(at, at + length);
                    if (markers.contains(candidate) && !hits.contains(candidate)) {
                        hits.add(candidate);
                    }
                }
            }
            return hits;
        }

        private static String commonPrefix(String a, String b) {
            int n = 0;
            while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
                n++;
            }
            return a.substring(0, n);
        }
    }
}
