package io.postmortembridge.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files under the shared, vendor-published reference data directory ({@code ../shared/refdata},
 * see its README.md for where each file comes from).
 * <p>
 * The directory is the system property {@code refdata.dir} (surefire sets it from the pom), or
 * {@code ../shared/refdata} relative to the working directory when the property is not set
 * (for example when a test is started from an IDE with the module as working directory).
 * Files are returned as they are: no normalisation, no re-encoding.
 */
public final class Refdata {

    /** System property naming the refdata directory. */
    public static final String PROPERTY = "refdata.dir";

    private static final String DEFAULT_DIR = "../shared/refdata";

    private Refdata() {
    }

    /** The refdata directory (absolute, normalised); it is not checked to exist. */
    public static Path dir() {
        String configured = System.getProperty(PROPERTY);
        String dir = configured == null || configured.isBlank() ? DEFAULT_DIR : configured;
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /**
     * The file at {@code relative} under the refdata directory, e.g. {@code "jira/jira-platform-swagger-v3.v3.json"}.
     *
     * @throws IllegalStateException naming the expected location when the file does not exist
     */
    public static Path path(String relative) {
        if (relative == null || relative.isBlank()) {
            throw new IllegalArgumentException("a refdata path is required, e.g. \"pagerduty/rest-openapiv3.json\"");
        }
        Path relativePath = Path.of(relative);
        if (relativePath.isAbsolute()) {
            throw new IllegalArgumentException("refdata paths are relative to " + dir() + ", got the absolute path " + relative);
        }
        Path file = dir().resolve(relativePath).normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("refdata file '" + relative + "' not found: expected it at " + file
                    + " (refdata directory from system property " + PROPERTY + "="
                    + System.getProperty(PROPERTY, "<not set, default " + DEFAULT_DIR + ">")
                    + ", working directory " + Path.of("").toAbsolutePath() + ")");
        }
        return file;
    }

    /** The bytes of the refdata file, unchanged. */
    public static byte[] bytes(String relative) {
        Path file = path(relative);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read refdata file " + file, e);
        }
    }

    /** The refdata file decoded as UTF-8, unchanged (no trimming, line endings kept). */
    public static String read(String relative) {
        return new String(bytes(relative), StandardCharsets.UTF_8);
    }
}
