package dev.vclip.spark;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;

/**
 * The local disk under another scheme ({@code remote:/path}), so that the tests exercise what the job does with a
 * file system that is not the local one (HDFS, S3): listing through Hadoop, copying videos and the model folder to
 * the executor's disk. Statuses are plain (no local permission look-ups, which assume {@code file:} paths).
 */
public class RemoteTestFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "remote";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        File file = pathToFile(f);
        if (!file.exists()) {
            throw new FileNotFoundException(f.toString());
        }
        return new FileStatus(file.length(), file.isDirectory(), 1, 4096, file.lastModified(), makeQualified(f));
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        File file = pathToFile(f);
        if (!file.isDirectory()) {
            return new FileStatus[] {getFileStatus(f)};
        }
        String[] names = file.list();
        if (names == null) {
            throw new IOException(f + ": cannot list");
        }
        java.util.Arrays.sort(names);
        FileStatus[] statuses = new FileStatus[names.length];
        for (int i = 0; i < names.length; i++) {
            statuses[i] = getFileStatus(new Path(f, names[i]));
        }
        return statuses;
    }
}
