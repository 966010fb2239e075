package dev.vclip.weights.pytorch;

import dev.vclip.weights.DType;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;
import dev.vclip.weights.WeightsException;
import dev.vclip.weights.pytorch.Pickled.Storage;
import dev.vclip.weights.pytorch.Pickled.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A PyTorch checkpoint ({@code pytorch_model.bin}, {@code .pth}, {@code .pt}) in the zip format {@code torch.save}
 * writes since PyTorch 1.6, read without Python and without running anything from the file.
 *
 * <p>The archive holds {@code <prefix>/data.pkl} (a pickle of the saved object, tensors replaced by references
 * to storages), {@code <prefix>/data/<key>} (each storage's raw little-endian bytes, stored uncompressed) and
 * {@code <prefix>/version}, {@code <prefix>/byteorder}; {@code <prefix>} is the file's stem or {@code archive}
 * and is looked up. The pickle is read by {@link RestrictedUnpickler}, which accepts only tensor, storage and
 * container globals and fails on anything else (for example {@code posix.system}), naming the global.
 *
 * <p>Tensors are exposed under their state-dict names; for training checkpoints the state dict is found under
 * {@code "state_dict"}, {@code "model"} or {@code "module"} (see {@link StateDicts}). A contiguous tensor is a
 * zero-copy slice of the memory-mapped storage entry; a non-contiguous view (a transpose, say) is gathered into
 * a new direct buffer on each {@link #get}. Every view is bounds-checked against its entry when the file is
 * opened. TorchScript archives ({@code torch.jit.save}) read the same way: their module tree is walked through
 * the attributes of its {@code __torch__.*} objects.
 *
 * <p>Not read: the legacy pre-1.6 format (a stream of pickles, or a tar file), refused with a hint to re-save;
 * archives saved on big-endian machines; complex and quantized storages.
 */
public final class PytorchCheckpoint implements TensorFile {
    private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};
    private static final byte[] EMPTY_ZIP_SIGNATURE = {'P', 'K', 5, 6};

    private final Path path;
    private final FileChannel channel;
    private final ZipArchive zip;
    private final String prefix;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;
    private final Map<String, ByteBuffer> storageBytes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private PytorchCheckpoint(Path path, FileChannel channel, ZipArchive zip, String prefix,
                              Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.zip = zip;
        this.prefix = prefix;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens a checkpoint, accepting only tensors, storages and plain containers in its pickle. */
    public static PytorchCheckpoint open(Path path) {
        return open(path, Set.of());
    }

    /**
     * Opens a checkpoint whose non-weight entries reference the given classes, which are then read as inert
     * records (their constructor arguments and state kept as data, nothing constructed or run); for example
     * {@code Set.of("yacs.config.CfgNode")} for the {@code "config"} entry of X-CLIP / ViFi-CLIP training
     * checkpoints. Any other global still fails the load.
     *
     * @param inertClasses fully qualified names, {@code module.ClassName}
     */
    public static PytorchCheckpoint open(Path path, Set<String> inertClasses) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new WeightsException("no such checkpoint file: " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path, e);
        }
        try {
            checkSignature(path, channel);
            ZipArchive zip = ZipArchive.read(path, channel);
            String prefix = findArchivePrefix(path, zip);
            String byteOrder = readText(zip, prefix + "/byteorder", "little");
            if (!byteOrder.equals("little")) {
                throw new WeightsException("cannot read " + path + ": it was saved with byte order '" + byteOrder
                        + "'; vclip reads little-endian checkpoints only (re-save it on a little-endian machine)");
            }
            ZipArchive.Entry pickleEntry = zip.entry(prefix + "/data.pkl");
            Object root = RestrictedUnpickler.load(zip.contents(pickleEntry),
                    path + " (" + pickleEntry.name() + ")", inertClasses);
            StateDicts.Located located = StateDicts.locate(root, path.toString());
            for (Map.Entry<String, Tensor> tensor : located.tensors().entrySet()) {
                checkBounds(path, zip, prefix, tensor.getKey(), tensor.getValue());
            }

            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("pytorch.format", isTorchScript(zip, prefix) ? "torchscript" : "torch.save");
            metadata.put("pytorch.archive_prefix", prefix);
            metadata.put("pytorch.version", readText(zip, prefix + "/version", ""));
            metadata.put("pytorch.state_dict_key", located.keyPath());
            return new PytorchCheckpoint(path, channel, zip, prefix,
                    Collections.unmodifiableMap(new LinkedHashMap<>(located.tensors())),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot read " + path, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(tensors.keySet()));
    }

    @Override
    public StoredTensor get(String name) {
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new WeightsException(path + " has no tensor '" + name + "'");
        }
        DType dtype = tensor.storage().dtype();
        int itemSize = dtype.byteSize();
        long count = StoredTensor.elementCount(tensor.size());
        if (count * itemSize > Integer.MAX_VALUE) {
            throw new WeightsException("cannot read tensor '" + name + "' of " + path + ": " + count * itemSize
                    + " bytes is more than one buffer holds");
        }
        ByteBuffer storage = storageBytes.computeIfAbsent(tensor.storage().key(),
                key -> zip.contents(zip.entry(prefix + "/data/" + key)));
        ByteBuffer data;
        if (StridedView.isContiguous(tensor.size(), tensor.stride())) {
            long start = count == 0 ? 0 : tensor.storageOffset() * itemSize;
            data = storage.slice((int) start, (int) (count * itemSize));
        } else {
            data = StridedView.copyToContiguous(storage, tensor.storageOffset(), tensor.size(), tensor.stride(), itemSize);
        }
        return new StoredTensor(name, dtype, tensor.size(), data);
    }

    /**
     * {@code pytorch.format} ({@code torch.save} or {@code torchscript}), {@code pytorch.archive_prefix},
     * {@code pytorch.version} (the archive's format version) and {@code pytorch.state_dict_key} (where the
     * tensors were found, e.g. {@code model}; empty for a plain state dict).
     */
    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        closed = true;
        storageBytes.clear();
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "PytorchCheckpoint[" + path + ", " + tensors.size() + " tensors]";
    }

    // ---- opening ----

    private static void checkSignature(Path path, FileChannel channel) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(512);
        while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
            // fill up to 512 bytes or the end of the file
        }
        head.flip();
        if (head.remaining() < 4) {
            throw new WeightsException("cannot read " + path + ": it has " + head.remaining()
                    + " bytes, too few for a PyTorch checkpoint");
        }
        byte[] first = new byte[4];
        head.get(0, first);
        if (Arrays.equals(first, ZIP_SIGNATURE) || Arrays.equals(first, EMPTY_ZIP_SIGNATURE)) {
            return;
        }
        boolean legacyPickleStream = (first[0] & 0xff) == 0x80; // pickle PROTO: torch.save before PyTorch 1.6
        boolean legacyTar = head.remaining() >= 262
                && new String(head.array(), 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        if (legacyPickleStream || legacyTar) {
            throw new WeightsException("cannot read " + path + ": it is in PyTorch's legacy torch.save format "
                    + "(before PyTorch 1.6, not a zip archive), which vclip does not read. Re-save it with "
                    + "PyTorch 1.6 or newer, e.g. torch.save(torch.load('" + path.getFileName()
                    + "', map_location='cpu'), 'model.pth'), or convert it to safetensors");
        }
        throw new WeightsException("cannot read " + path + ": it is not a PyTorch checkpoint "
                + "(no zip signature at the start of the file)");
    }

    /** The directory holding data.pkl: the file stem for torch.save(path), "archive" for buffers. */
    private static String findArchivePrefix(Path path, ZipArchive zip) {
        List<String> candidates = new ArrayList<>();
        for (ZipArchive.Entry entry : zip.entries()) {
            String name = entry.name();
            int slash = name.indexOf('/');
            if (slash > 0 && name.indexOf('/', slash + 1) < 0 && name.endsWith("/data.pkl")
                    && name.length() == slash + "/data.pkl".length()) {
                candidates.add(name.substring(0, slash));
            }
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (candidates.isEmpty()) {
            List<String> names = new ArrayList<>();
            for (ZipArchive.Entry entry : zip.entries()) {
                if (names.size() == 6) {
                    names.add("...");
                    break;
                }
                names.add(entry.name());
            }
            throw new WeightsException("cannot read " + path + ": the zip has no '<prefix>/data.pkl' entry, so it is "
                    + "not a torch.save archive (entries: " + String.join(", ", names) + ")");
        }
        throw new WeightsException("cannot read " + path + ": the zip holds several data.pkl archives " + candidates);
    }

    private static void checkBounds(Path path, ZipArchive zip, String prefix, String name, Tensor tensor) {
        Storage storage = tensor.storage();
        String what = "tensor '" + name + "' in " + path;
        if (storage.dtype() == null) {
            throw new WeightsException(what + " uses storage type " + storage.typeName()
                    + ", which vclip does not read (complex and quantized tensors are not supported)");
        }
        ZipArchive.Entry entry = zip.entry(prefix + "/data/" + storage.key());
        if (entry == null) {
            throw new WeightsException(what + " refers to storage '" + storage.key() + "', but the archive has no entry '"
                    + prefix + "/data/" + storage.key() + "'");
        }
        String layout = "storage offset " + tensor.storageOffset() + ", size " + Arrays.toString(tensor.size())
                + ", stride " + Arrays.toString(tensor.stride());
        if (tensor.storageOffset() < 0 || Arrays.stream(tensor.size()).anyMatch(s -> s < 0)
                || Arrays.stream(tensor.stride()).anyMatch(s -> s < 0)) {
            throw new WeightsException(what + " has a negative " + layout);
        }
        long needed;
        long neededBytes;
        try {
            needed = StridedView.storageElementsNeeded(tensor.storageOffset(), tensor.size(), tensor.stride());
            neededBytes = Math.multiplyExact(needed, storage.dtype().byteSize());
        } catch (ArithmeticException e) {
            throw new WeightsException(what + " has an impossible layout (" + layout + ")");
        }
        if (neededBytes > entry.contentSize()) {
            throw new WeightsException(what + " (" + storage.dtype() + ", " + layout + ") needs " + neededBytes
                    + " bytes of entry '" + entry.name() + "', which has only " + entry.contentSize()
                    + "; the checkpoint is damaged or was written wrongly");
        }
        if (needed > storage.numElements()) {
            throw new WeightsException(what + " (" + layout + ") reaches element " + (needed - 1) + " of storage '"
                    + storage.key() + "', which holds " + storage.numElements() + " elements");
        }
    }

    private static boolean isTorchScript(ZipArchive zip, String prefix) {
        if (zip.entry(prefix + "/constants.pkl") != null) {
            return true;
        }
        return zip.entries().stream().anyMatch(e -> e.name().startsWith(prefix + "/code/"));
    }

    private static String readText(ZipArchive zip, String name, String fallback) {
        ZipArchive.Entry entry = zip.entry(name);
        if (entry == null || entry.contentSize() > 1024) {
            return fallback;
        }
        ByteBuffer bytes = zip.contents(entry);
        byte[] text = new byte[bytes.remaining()];
        bytes.get(text);
        return new String(text, StandardCharsets.UTF_8).trim();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to report while already failing or closing
        }
    }
}
