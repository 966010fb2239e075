package dev.vclip.spark;

import dev.vclip.search.IndexStatus;
import dev.vclip.search.LibraryFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the job's videos are and how an executor reads one. Local paths (and {@code file:} URIs) are listed as
 * {@code vclip index} lists them ({@link LibraryFiles}: folders, list files, tar archives), so both name a video
 * the same way and give it the same id. Anything else ({@code hdfs://}, {@code s3a://}, ... wherever the cluster has
 * the file system) is listed through Hadoop's FileSystem (folders recursively, a video, or a list file of paths or
 * URIs), and an executor copies the video to local disk to decode it.
 */
final class VideoInputs {
    private VideoInputs() {
    }

    /** The videos found and what could not be listed. */
    record Listing(List<LibraryFiles.VideoFile> videos, List<IndexStatus.Skipped> problems) {
    }

    /** A video readable by the video layer: {@code source}, and the local copy to delete afterwards (or null). */
    record Local(String source, Path copy) implements AutoCloseable {
        @Override
        public void close() {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    copy.toFile().deleteOnExit();
                }
            }
        }
    }

    /** A URI scheme of two or more characters (one would be a Windows drive letter). */
    private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]+):");

    /**
     * Whether {@code location} names another file system than the local one: a URI with a scheme other than
     * {@code file} ({@code hdfs://nn/x}, {@code s3a://bucket/x}, or {@code scheme:/x} as Hadoop writes a URI
     * without authority).
     */
    static boolean isRemote(String location) {
        java.util.regex.Matcher m = SCHEME.matcher(location);
        return m.find() && !m.group(1).equalsIgnoreCase("file");
    }

    static Path localPath(String location) {
        return location.regionMatches(true, 0, "file:", 0, 5) ? Path.of(URI.create(location)) : Path.of(location);
    }

    /** A Hadoop configuration from the driver's entries (defaults loaded first). */
    static Configuration configuration(Map<String, String> entries) {
        Configuration conf = new Configuration();
        entries.forEach(conf::set);
        return conf;
    }

    /** The driver's Hadoop configuration as plain entries, to send to executors with the job. */
    static Map<String, String> entries(Configuration conf) {
        Map<String, String> map = new HashMap<>();
        conf.forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }

    /** Every video under {@code inputs}, each once, in a stable order. */
    static Listing list(List<String> inputs, Configuration conf) {
        List<IndexStatus.Skipped> problems = new ArrayList<>();
        Map<String, LibraryFiles.VideoFile> videos = new LinkedHashMap<>();
        List<Path> local = new ArrayList<>();
        for (String input : inputs) {
            if (!isRemote(input)) {
                local.add(localPath(input));
            }
        }
        for (LibraryFiles.VideoFile f : LibraryFiles.list(local, problems)) {
            videos.putIfAbsent(f.spec(), f);
        }
        for (String input : inputs) {
            if (isRemote(input)) {
                try {
                    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(input);
                    listRemote(p.getFileSystem(conf), p, videos, problems, true);
                } catch (IOException e) {
                    throw new SparkJobException(input + ": cannot list: " + e.getMessage(), e);
                }
            }
        }
        return new Listing(List.copyOf(videos.values()), problems);
    }

    private static void listRemote(FileSystem fs, org.apache.hadoop.fs.Path p, Map<String, LibraryFiles.VideoFile> out,
                                   List<IndexStatus.Skipped> problems, boolean named) throws IOException {
        FileStatus status = fs.getFileStatus(p);
        if (status.isDirectory()) {
            List<LibraryFiles.VideoFile> found = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(p, true);
            while (it.hasNext()) {
                LocatedFileStatus f = it.next();
                if (f.isFile() && LibraryFiles.isVideoName(f.getPath().getName())) {
                    found.add(file(f));
                }
            }
            found.sort(java.util.Comparator.comparing(LibraryFiles.VideoFile::spec));
            found.forEach(f -> out.putIfAbsent(f.spec(), f));
        } else if (LibraryFiles.isVideoName(p.getName())) {
            out.putIfAbsent(status.getPath().toString(), file(status));
        } else if (named) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
                String line;
                int number = 0;
                while ((line = r.readLine()) != null) {
                    number++;
                    line = line.strip();
                    if (line.isEmpty() || line.startsWith("#")) {
                        continue;
                    }
                    org.apache.hadoop.fs.Path entry = isRemote(line) || line.startsWith("/")
                            ? new org.apache.hadoop.fs.Path(line) : new org.apache.hadoop.fs.Path(p.getParent(), line);
                    try {
                        listRemote(entry.getFileSystem(fs.getConf()), entry, out, problems, false);
                    } catch (IOException e) {
                        problems.add(new IndexStatus.Skipped(entry.toString(), p + ":" + number + ": " + e.getMessage()));
                    }
                }
            }
        } else {
            problems.add(new IndexStatus.Skipped(p.toString(), "not a video (endings: "
                    + String.join(" ", LibraryFiles.VIDEO_EXTENSIONS.stream().sorted().toList()) + ")"));
        }
    }

    private static LibraryFiles.VideoFile file(FileStatus f) {
        return new LibraryFiles.VideoFile(f.getPath().toString(), f.getLen(), f.getModificationTime());
    }

    /** The video {@code spec} where the video layer can read it: in place when local, else a local copy. */
    static Local local(String spec, Map<String, String> conf) {
        if (!isRemote(spec)) {
            return new Local(spec, null);
        }
        try {
            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(spec);
            String name = remote.getName();
            Path copy = Files.createTempFile("vclip-video-", name.substring(Math.max(0, name.lastIndexOf('.'))));
            try {
                remote.getFileSystem(configuration(conf)).copyToLocalFile(false, remote,
                        new org.apache.hadoop.fs.Path(copy.toUri()), true);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(copy); // no half-copied videos left on the executor's disk
                throw e;
            }
            return new Local(copy.toString(), copy);
        } catch (IOException e) {
            throw new UncheckedIOException(spec + ": cannot copy to local disk: " + e.getMessage(), e);
        }
    }
}
