package io.deptcrypt.iac;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The rendered files, by path relative to the output directory ({@code kms/finance.key-policy.json}, ...), in path
 * order. Writing replaces a previous rendering: files in the rendered sub-directories that this rendering no longer
 * produces (a department removed) are deleted.
 */
public record Rendering(SortedMap<String, String> files) {

    /** Sub-directories the renderer owns completely. */
    public static final List<String> OWNED_DIRS = List.of("cloudformation", "iam", "kms");
    public static final String README = "README.md";

    public Rendering {
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    public String file(String path) {
        String text = files.get(path);
        if (text == null) {
            throw new IllegalArgumentException("no rendered file " + path + " (rendered: " + files.keySet() + ")");
        }
        return text;
    }

    public void writeTo(Path dir) {
        try {
            for (String stale : existing(dir)) {
                if (!files.containsKey(stale)) {
                    Files.delete(dir.resolve(stale));
                }
            }
            for (var e : files.entrySet()) {
                Path target = dir.resolve(e.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, e.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rendering to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** What differs between this rendering and the files in {@code dir}: one line per file; empty when equal. */
    public List<String> differencesFrom(Path dir) {
        List<String> out = new ArrayList<>();
        try {
            for (var e : files.entrySet()) {
                Path p = dir.resolve(e.getKey());
                if (!Files.isRegularFile(p)) {
                    out.add("missing:  " + e.getKey());
                } else if (!Files.readString(p, StandardCharsets.UTF_8).equals(e.getValue())) {
                    out.add("differs:  " + e.getKey());
                }
            }
            for (String f : existing(dir)) {
                if (!files.containsKey(f)) {
                    out.add("obsolete: " + f + " (the governance file no longer gives it)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static List<String> existing(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve(README))) {
            out.add(README);
        }
        for (String sub : OWNED_DIRS) {
            Path d = dir.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> walk = Files.walk(d)) {
                    walk.filter(Files::isRegularFile)
                            .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                            .sorted()
                            .forEach(out::add);
                }
            }
        }
        return out;
    }
}
