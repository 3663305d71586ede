package io.deptcrypt.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code .deptcrypt/endpoints.env}: one {@code export NAME='value'} line per variable (a single quote inside a value
 * written {@code '\''}), comments starting with {@code #}. The running stack writes it once it is ready; the control
 * commands read it to find the stack, and rewrite it when apply issues new credentials. Owner-only: it holds secrets.
 */
public final class EndpointsFile {

    private static final Pattern LINE = Pattern.compile("export ([A-Za-z_][A-Za-z0-9_]*)='((?:[^']|'\\\\'')*)'");

    private final Path file;
    private final String header;
    private final Map<String, String> variables;

    private EndpointsFile(Path file, String header, Map<String, String> variables) {
        this.file = file;
        this.header = header;
        this.variables = variables;
    }

    /** @throws IllegalArgumentException naming the file and line if it is missing or not in this form */
    public static EndpointsFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist: no local stack is running (start one with"
                    + " `./deptcrypt up`), or pass --endpoints");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> vars = new LinkedHashMap<>();
        StringBuilder header = new StringBuilder();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                if (vars.isEmpty()) {
                    header.append(line).append('\n');
                }
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException(file + ":" + n + ": not an `export NAME='value'` line");
            }
            vars.put(m.group(1), m.group(2).replace("'\\''", "'"));
        }
        return new EndpointsFile(file, header.toString(), vars);
    }

    public Map<String, String> variables() {
        return Collections.unmodifiableMap(variables);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(variables.get(name)).filter(v -> !v.isEmpty());
    }

    /** @throws IllegalArgumentException naming the variable and the file */
    public String require(String name) {
        return get(name).orElseThrow(() -> new IllegalArgumentException(file + " has no " + name));
    }

    public Path file() {
        return file;
    }

    /** Sets (or adds) variables and rewrites the file atomically, owner-only. */
    public EndpointsFile with(Map<String, String> changes) throws IOException {
        Map<String, String> next = new LinkedHashMap<>(variables);
        next.putAll(changes);
        write(file, header, next);
        return new EndpointsFile(file, header, next);
    }

    /** The file's text for these variables. */
    public static String format(String header, Map<String, String> variables) {
        StringBuilder sb = new StringBuilder(header);
        variables.forEach((k, v) -> sb.append("export ").append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
        return sb.toString();
    }

    public static void write(Path file, String header, Map<String, String> variables) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, format(header, variables), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
