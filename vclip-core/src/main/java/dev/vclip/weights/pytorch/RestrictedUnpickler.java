package dev.vclip.weights.pytorch;

import dev.vclip.weights.DType;
import dev.vclip.weights.WeightsException;
import dev.vclip.weights.pytorch.Pickled.Global;
import dev.vclip.weights.pytorch.Pickled.GlobalRole;
import dev.vclip.weights.pytorch.Pickled.InertObject;
import dev.vclip.weights.pytorch.Pickled.Storage;
import dev.vclip.weights.pytorch.Pickled.Tensor;
import dev.vclip.weights.pytorch.Pickled.Tuple;

import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader that only builds data: the {@code data.pkl} of a {@code torch.save} archive becomes dicts,
 * lists, tuples, numbers, strings and {@link Pickled.Tensor} descriptions.
 *
 * <p>Opcode names and semantics follow CPython's {@code Lib/pickletools.py}; protocols 2 to 5 as written by
 * {@code torch.save} and the TorchScript pickler. Unlike Python's unpickler, nothing is ever looked up or
 * called: {@code GLOBAL} is checked against a short allow-list and any other name fails the whole load at once
 * (the list mirrors torch's own {@code weights_only} unpickler, {@code torch/_weights_only_unpickler.py});
 * {@code REDUCE}, {@code NEWOBJ} and {@code BUILD} on an accepted global build the matching Java value. There is
 * no code path from the file's bytes to running anything.
 */
final class RestrictedUnpickler {

    // Opcodes, named as in pickletools.
    private static final int MARK = '(', STOP = '.', POP = '0', POP_MARK = '1', DUP = '2';
    private static final int BININT = 'J', BININT1 = 'K', BININT2 = 'M', NONE = 'N', BINPERSID = 'Q', REDUCE = 'R';
    private static final int BINSTRING = 'T', SHORT_BINSTRING = 'U', BINUNICODE = 'X', APPEND = 'a', BUILD = 'b';
    private static final int GLOBAL = 'c', DICT = 'd', EMPTY_DICT = '}', APPENDS = 'e', BINGET = 'h', INST = 'i';
    private static final int LONG_BINGET = 'j', LIST = 'l', EMPTY_LIST = ']', OBJ = 'o', BINPUT = 'q';
    private static final int LONG_BINPUT = 'r', SETITEM = 's', TUPLE = 't', EMPTY_TUPLE = ')', SETITEMS = 'u';
    private static final int BINFLOAT = 'G', BINBYTES = 'B', SHORT_BINBYTES = 'C';
    private static final int PROTO = 0x80, NEWOBJ = 0x81, TUPLE1 = 0x85, TUPLE2 = 0x86, TUPLE3 = 0x87;
    private static final int NEWTRUE = 0x88, NEWFALSE = 0x89, LONG1 = 0x8a, LONG4 = 0x8b;
    private static final int SHORT_BINUNICODE = 0x8c, BINUNICODE8 = 0x8d, BINBYTES8 = 0x8e, EMPTY_SET = 0x8f;
    private static final int ADDITEMS = 0x90, FROZENSET = 0x91, NEWOBJ_EX = 0x92, STACK_GLOBAL = 0x93;
    private static final int MEMOIZE = 0x94, FRAME = 0x95, BYTEARRAY8 = 0x96;

    /** Opcodes pickletools knows that this reader does not take (text protocol 0, extension registry, out-of-band buffers). */
    private static final Map<Integer, String> UNSUPPORTED_OPCODES = Map.ofEntries(
            Map.entry((int) 'I', "INT"), Map.entry((int) 'L', "LONG"), Map.entry((int) 'S', "STRING"),
            Map.entry((int) 'V', "UNICODE"), Map.entry((int) 'F', "FLOAT"), Map.entry((int) 'g', "GET"),
            Map.entry((int) 'p', "PUT"), Map.entry((int) 'P', "PERSID"), Map.entry(0x82, "EXT1"),
            Map.entry(0x83, "EXT2"), Map.entry(0x84, "EXT4"), Map.entry(0x97, "NEXT_BUFFER"),
            Map.entry(0x98, "READONLY_BUFFER"));

    /** The storage classes torch pickles in persistent ids ({@code torch/storage.py}, {@code _pickle_storage_type}). */
    private static final Map<String, DType> STORAGE_DTYPES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("DoubleStorage", DType.F64),
            Map.entry("HalfStorage", DType.F16), Map.entry("BFloat16Storage", DType.BF16),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL),
            Map.entry("UntypedStorage", DType.U8));

    /** The globals accepted by exact name. */
    private static final Map<String, GlobalRole> ALLOWED_GLOBALS = Map.ofEntries(
            Map.entry("torch._utils._rebuild_tensor_v2", GlobalRole.REBUILD_TENSOR),
            Map.entry("torch._utils._rebuild_parameter", GlobalRole.REBUILD_PARAMETER),
            Map.entry("torch._utils._rebuild_parameter_with_state", GlobalRole.REBUILD_PARAMETER_WITH_STATE),
            Map.entry("torch._tensor._rebuild_from_type_v2", GlobalRole.REBUILD_FROM_TYPE),
            Map.entry("torch.Tensor", GlobalRole.TENSOR_TYPE),
            Map.entry("torch._tensor.Tensor", GlobalRole.TENSOR_TYPE),
            Map.entry("torch.nn.parameter.Parameter", GlobalRole.TENSOR_TYPE),
            Map.entry("torch.storage.UntypedStorage", GlobalRole.STORAGE_TYPE),
            Map.entry("collections.OrderedDict", GlobalRole.ORDERED_DICT),
            Map.entry("builtins.set", GlobalRole.SET), Map.entry("__builtin__.set", GlobalRole.SET),
            Map.entry("builtins.frozenset", GlobalRole.SET), Map.entry("__builtin__.frozenset", GlobalRole.SET),
            Map.entry("torch.device", GlobalRole.DEVICE),
            Map.entry("torch.Size", GlobalRole.SIZE),
            Map.entry("_codecs.encode", GlobalRole.LATIN1_BYTES),
            Map.entry("torch.jit._pickle.build_intlist", GlobalRole.TORCHSCRIPT_LIST),
            Map.entry("torch.jit._pickle.build_doublelist", GlobalRole.TORCHSCRIPT_LIST),
            Map.entry("torch.jit._pickle.build_boollist", GlobalRole.TORCHSCRIPT_LIST),
            Map.entry("torch.jit._pickle.build_tensorlist", GlobalRole.TORCHSCRIPT_LIST),
            Map.entry("torch.jit._pickle.restore_type_tag", GlobalRole.TORCHSCRIPT_TYPE_TAG));

    private final ByteBuffer in;
    private final String source;
    private final Set<String> callerAllowedClasses;
    private final List<Object> stack = new ArrayList<>();
    /** Stack heights at each MARK (pickle's "metastack"). */
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int opcodeOffset;

    private RestrictedUnpickler(ByteBuffer pickle, String source, Set<String> callerAllowedClasses) {
        this.in = pickle.slice().order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
        this.callerAllowedClasses = Set.copyOf(callerAllowedClasses);
    }

    /**
     * Reads one pickle.
     *
     * @param source               names the file (and the entry) in every message
     * @param callerAllowedClasses fully qualified class names ({@code module.Name}) the caller accepts as inert
     *                             data; empty for the strict default
     */
    static Object load(ByteBuffer pickle, String source, Set<String> callerAllowedClasses) {
        RestrictedUnpickler reader = new RestrictedUnpickler(pickle, source, callerAllowedClasses);
        try {
            return reader.run();
        } catch (BufferUnderflowException e) {
            throw reader.fail("the pickle ends in the middle of an opcode (truncated)");
        }
    }

    /** The role of a global, or null when it is refused. */
    static GlobalRole roleOf(String module, String name, Set<String> callerAllowedClasses) {
        GlobalRole exact = ALLOWED_GLOBALS.get(module + "." + name);
        if (exact != null) {
            return exact;
        }
        // Any torch.XxxStorage is accepted as a storage-type marker (never called); unsupported dtypes fail
        // later with a message naming the tensor.
        if (module.equals("torch") && name.matches("[A-Za-z0-9]+Storage")) {
            return GlobalRole.STORAGE_TYPE;
        }
        if (module.equals("__torch__") || module.startsWith("__torch__.")) {
            return GlobalRole.TORCHSCRIPT_CLASS;
        }
        if (callerAllowedClasses.contains(module + "." + name)) {
            return GlobalRole.CALLER_ALLOWED_CLASS;
        }
        return null;
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) {
                throw fail("the pickle ends without a STOP opcode (truncated)");
            }
            opcodeOffset = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case PROTO -> {
                    int protocol = readUnsignedByte();
                    if (protocol > 5) {
                        throw fail("pickle protocol " + protocol + " is newer than 5");
                    }
                }
                case FRAME -> in.getLong(); // frames only group opcodes; the whole pickle is already in memory
                case STOP -> {
                    return pop();
                }
                case MARK -> marks.add(stack.size());
                case POP -> {
                    if (!marks.isEmpty() && stack.size() == marks.get(marks.size() - 1)) {
                        popMark(); // POP with nothing above the mark discards the mark (pickle.py load_pop)
                    } else {
                        pop();
                    }
                }
                case POP_MARK -> popMark();
                case DUP -> push(peek());
                case NONE -> push(null);
                case NEWTRUE -> push(Boolean.TRUE);
                case NEWFALSE -> push(Boolean.FALSE);
                case BININT -> push((long) in.getInt());
                case BININT1 -> push((long) readUnsignedByte());
                case BININT2 -> push((long) (in.getShort() & 0xffff));
                case LONG1 -> push(readLittleEndianInteger(readUnsignedByte()));
                case LONG4 -> push(readLittleEndianInteger(checkedLength(in.getInt())));
                case BINFLOAT -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // big-endian
                case BINUNICODE -> push(new String(readBytes(Integer.toUnsignedLong(in.getInt())), StandardCharsets.UTF_8));
                case SHORT_BINUNICODE -> push(new String(readBytes(readUnsignedByte()), StandardCharsets.UTF_8));
                case BINUNICODE8 -> push(new String(readBytes(in.getLong()), StandardCharsets.UTF_8));
                case BINSTRING -> push(new String(readBytes(checkedLength(in.getInt())), StandardCharsets.ISO_8859_1));
                case SHORT_BINSTRING -> push(new String(readBytes(readUnsignedByte()), StandardCharsets.ISO_8859_1));
                case BINBYTES -> push(readBytes(Integer.toUnsignedLong(in.getInt())));
                case SHORT_BINBYTES -> push(readBytes(readUnsignedByte()));
                case BINBYTES8, BYTEARRAY8 -> push(readBytes(in.getLong()));
                case EMPTY_TUPLE -> push(new Tuple(List.of()));
                case TUPLE1 -> push(new Tuple(popN(1)));
                case TUPLE2 -> push(new Tuple(popN(2)));
                case TUPLE3 -> push(new Tuple(popN(3)));
                case TUPLE -> push(new Tuple(popMark()));
                case EMPTY_LIST -> push(new ArrayList<>());
                case LIST -> push(new ArrayList<>(popMark()));
                case EMPTY_DICT -> push(new LinkedHashMap<>());
                case DICT -> {
                    Map<Object, Object> dict = new LinkedHashMap<>();
                    setItems(dict, popMark());
                    push(dict);
                }
                case EMPTY_SET -> push(new LinkedHashSet<>());
                case FROZENSET -> push(new LinkedHashSet<>(popMark()));
                case ADDITEMS -> addToSet(popMark());
                case APPEND -> appendTo(List.of(pop()));
                case APPENDS -> appendTo(popMark());
                case SETITEM -> {
                    List<Object> keyAndValue = popN(2);
                    setItems(peek(), keyAndValue);
                }
                case SETITEMS -> {
                    List<Object> items = popMark();
                    setItems(peek(), items);
                }
                case BINPUT -> memo.put((long) readUnsignedByte(), peek());
                case LONG_BINPUT -> memo.put(Integer.toUnsignedLong(in.getInt()), peek());
                case MEMOIZE -> memo.put((long) memo.size(), peek());
                case BINGET -> push(memoGet(readUnsignedByte()));
                case LONG_BINGET -> push(memoGet(Integer.toUnsignedLong(in.getInt())));
                case GLOBAL -> {
                    String module = readLine();
                    String name = readLine();
                    push(resolveGlobal(module, name));
                }
                case STACK_GLOBAL -> {
                    String name = popString("STACK_GLOBAL name");
                    String module = popString("STACK_GLOBAL module");
                    push(resolveGlobal(module, name));
                }
                case INST -> {
                    Global cls = resolveGlobal(readLine(), readLine());
                    push(instantiate(cls, popMark()));
                }
                case OBJ -> {
                    List<Object> classAndArgs = popMark();
                    if (classAndArgs.isEmpty()) {
                        throw fail("OBJ without a class");
                    }
                    push(instantiate(classAndArgs.get(0), classAndArgs.subList(1, classAndArgs.size())));
                }
                case REDUCE -> {
                    Object args = pop();
                    Object callable = pop();
                    push(call(callable, asTuple(args, "REDUCE arguments")));
                }
                case NEWOBJ -> {
                    Tuple args = asTuple(pop(), "NEWOBJ arguments");
                    push(instantiate(pop(), args.items()));
                }
                case NEWOBJ_EX -> {
                    pop(); // keyword arguments: recorded nowhere, nothing is constructed
                    Tuple args = asTuple(pop(), "NEWOBJ_EX arguments");
                    push(instantiate(pop(), args.items()));
                }
                case BUILD -> {
                    Object state = pop();
                    build(peek(), state);
                }
                case BINPERSID -> push(persistentLoad(pop()));
                default -> {
                    String known = UNSUPPORTED_OPCODES.get(op);
                    throw fail(known != null
                            ? String.format("unsupported pickle opcode 0x%02x (%s)", op, known)
                            : String.format("unknown pickle opcode 0x%02x", op));
                }
            }
        }
    }

    // ---- globals: the only place names from the file are interpreted ----

    private Global resolveGlobal(String module, String name) {
        GlobalRole role = roleOf(module, name, callerAllowedClasses);
        if (role == null) {
            throw new WeightsException("refusing to load " + source + ": pickle references global '" + module + " "
                    + name + "'; only tensors, storages and dicts/lists/tuples are allowed (nothing was run). "
                    + "To read a training checkpoint whose other entries hold Python objects, save just its state "
                    + "dict in Python: torch.save(ckpt['model'], 'model.pth')");
        }
        return new Global(module, name, role);
    }

    /** REDUCE: "calls" an accepted global, i.e. builds the data it stands for. */
    private Object call(Object callable, Tuple args) {
        if (!(callable instanceof Global global)) {
            throw fail("REDUCE applies " + describe(callable) + ", which is not an accepted global");
        }
        return switch (global.role()) {
            case REBUILD_TENSOR -> rebuildTensor(args);
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                requireArgs(global, args, 1);
                if (!(args.get(0) instanceof Tensor tensor)) {
                    throw fail(global.qualifiedName() + " expects a tensor, got " + describe(args.get(0)));
                }
                yield tensor;
            }
            case REBUILD_FROM_TYPE -> {
                requireArgs(global, args, 3);
                if (!(args.get(1) instanceof Global type) || type.role() != GlobalRole.TENSOR_TYPE) {
                    throw fail(global.qualifiedName() + " rebuilds a " + describe(args.get(1))
                            + "; only torch.Tensor and torch.nn.Parameter are read");
                }
                yield call(args.get(0), asTuple(args.get(2), global.qualifiedName() + " arguments"));
            }
            case ORDERED_DICT -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                if (args.size() == 1 && args.get(0) instanceof Collection<?> pairs) {
                    for (Object pair : pairs) {
                        Tuple keyValue = asTuple(pair, "OrderedDict item");
                        requireArgs(global, keyValue, 2);
                        dict.put(keyValue.get(0), keyValue.get(1));
                    }
                } else if (args.size() != 0) {
                    throw fail("OrderedDict built from " + describe(args.get(0)));
                }
                yield dict;
            }
            case SET -> args.size() == 0 ? new LinkedHashSet<>() : new LinkedHashSet<>(asCollection(args.get(0)));
            case DEVICE -> {
                requireArgs(global, args, 1);
                yield args.size() >= 2 && args.get(1) != null ? args.get(0) + ":" + args.get(1) : String.valueOf(args.get(0));
            }
            case SIZE -> {
                requireArgs(global, args, 1);
                yield asTuple(args.get(0), "torch.Size argument");
            }
            case LATIN1_BYTES -> {
                requireArgs(global, args, 2);
                String encoding = String.valueOf(args.get(1)).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                if (!(args.get(0) instanceof String text) || !(encoding.equals("latin1") || encoding.equals("latin-1"))) {
                    throw fail("_codecs.encode is only read for (str, 'latin1'), as protocol 2 writes bytes");
                }
                yield text.getBytes(StandardCharsets.ISO_8859_1);
            }
            case TORCHSCRIPT_LIST, TORCHSCRIPT_TYPE_TAG -> {
                requireArgs(global, args, 1);
                yield args.get(0);
            }
            case TORCHSCRIPT_CLASS, CALLER_ALLOWED_CLASS -> new InertObject(global.qualifiedName(), args.items());
            case TENSOR_TYPE, STORAGE_TYPE -> throw fail("global '" + global.pickleSpelling()
                    + "' is accepted only as a type marker, not called");
        };
    }

    /** NEWOBJ / NEWOBJ_EX / OBJ / INST: {@code cls.__new__(cls, *args)}, for the few classes that are data. */
    private Object instantiate(Object cls, List<Object> args) {
        if (!(cls instanceof Global global)) {
            throw fail("cannot instantiate " + describe(cls));
        }
        return switch (global.role()) {
            case ORDERED_DICT -> new LinkedHashMap<>();
            case SET -> new LinkedHashSet<>();
            case TORCHSCRIPT_CLASS, CALLER_ALLOWED_CLASS -> new InertObject(global.qualifiedName(), List.copyOf(args));
            default -> throw fail("global '" + global.pickleSpelling() + "' cannot be instantiated");
        };
    }

    /** BUILD: {@code obj.__setstate__(state)}. */
    private void build(Object target, Object state) {
        if (target instanceof Map) {
            // OrderedDict attributes, e.g. the _metadata (module versions) torch's state_dict() attaches: not weights.
            return;
        }
        if (target instanceof InertObject object) {
            object.state = state;
            return;
        }
        throw fail("BUILD on " + describe(target) + " is not supported");
    }

    /** BINPERSID: {@code ('storage', storage_type, key, location, numel)} (torch/serialization.py). */
    private Storage persistentLoad(Object pid) {
        Tuple id = asTuple(pid, "persistent id");
        if (id.size() != 5 || !"storage".equals(id.get(0))) {
            throw fail("persistent id " + describe(pid) + " is not ('storage', type, key, location, numel)");
        }
        if (!(id.get(1) instanceof Global type) || type.role() != GlobalRole.STORAGE_TYPE) {
            throw fail("persistent id names " + describe(id.get(1)) + " where a torch storage type belongs");
        }
        DType dtype = STORAGE_DTYPES.get(type.name());
        String key = String.valueOf(id.get(2));
        String location = String.valueOf(id.get(3));
        long numElements = toLong(id.get(4), "storage size");
        if (numElements < 0) {
            throw fail("storage '" + key + "' has a negative size " + numElements);
        }
        return new Storage(dtype, type.qualifiedName(), key, location, numElements);
    }

    /** {@code torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, metadata])}. */
    private Tensor rebuildTensor(Tuple args) {
        if (args.size() < 4) {
            throw fail("_rebuild_tensor_v2 takes at least 4 arguments, got " + args.size());
        }
        if (!(args.get(0) instanceof Storage storage)) {
            throw fail("_rebuild_tensor_v2 expects a storage, got " + describe(args.get(0)));
        }
        long offset = toLong(args.get(1), "storage offset");
        long[] size = toLongs(args.get(2), "tensor size");
        long[] stride = toLongs(args.get(3), "tensor stride");
        if (size.length != stride.length) {
            throw fail("tensor size has " + size.length + " dimensions but stride has " + stride.length);
        }
        return new Tensor(storage, offset, size, stride);
    }

    // ---- containers ----

    private void setItems(Object target, List<Object> keysAndValues) {
        if (keysAndValues.size() % 2 != 0) {
            throw fail("SETITEMS with an odd number of items");
        }
        Map<Object, Object> dict;
        if (target instanceof Map<?, ?>) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> map = (Map<Object, Object>) target;
            dict = map;
        } else if (target instanceof InertObject object) {
            dict = object.dictItems;
        } else {
            throw fail("SETITEM(S) on " + describe(target));
        }
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            dict.put(keysAndValues.get(i), keysAndValues.get(i + 1));
        }
    }

    private void appendTo(List<Object> items) {
        Object target = peek();
        if (target instanceof List<?>) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) target;
            list.addAll(items);
        } else if (target instanceof InertObject object) {
            object.listItems.addAll(items);
        } else {
            throw fail("APPEND(S) on " + describe(target));
        }
    }

    private void addToSet(List<Object> items) {
        if (!(peek() instanceof Set<?>)) {
            throw fail("ADDITEMS on " + describe(peek()));
        }
        @SuppressWarnings("unchecked")
        Set<Object> set = (Set<Object>) peek();
        set.addAll(items);
    }

    // ---- stack, memo and raw reads ----

    private void push(Object value) {
        stack.add(value);
    }

    private Object pop() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw fail("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popN(int n) {
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(0, pop());
        }
        return items;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw fail("no MARK on the stack");
        }
        int start = marks.remove(marks.size() - 1);
        List<Object> top = stack.subList(start, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private String popString(String what) {
        Object value = pop();
        if (!(value instanceof String s)) {
            throw fail(what + " is " + describe(value) + ", not a string");
        }
        return s;
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) {
            throw fail("memo index " + index + " was never stored");
        }
        return memo.get(index);
    }

    private int readUnsignedByte() {
        return in.get() & 0xff;
    }

    private long checkedLength(int signedLength) {
        if (signedLength < 0) {
            throw fail("negative length " + signedLength);
        }
        return signedLength;
    }

    private byte[] readBytes(long length) {
        if (length < 0 || length > in.remaining()) {
            throw fail("a length of " + Long.toUnsignedString(length) + " bytes runs past the end of the pickle ("
                    + in.remaining() + " left)");
        }
        byte[] bytes = new byte[(int) length];
        in.get(bytes);
        return bytes;
    }

    /** GLOBAL and INST arguments: a line ending in '\n'. */
    private String readLine() {
        int start = in.position();
        while (in.hasRemaining()) {
            if (in.get() == '\n') {
                byte[] line = new byte[in.position() - 1 - start];
                in.get(start, line);
                return new String(line, StandardCharsets.UTF_8);
            }
        }
        throw fail("the pickle ends inside a GLOBAL name (truncated)");
    }

    /** LONG1 / LONG4: two's complement, little-endian. */
    private Object readLittleEndianInteger(long byteCount) {
        byte[] littleEndian = readBytes(byteCount);
        if (littleEndian.length == 0) {
            return 0L;
        }
        byte[] bigEndian = new byte[littleEndian.length];
        for (int i = 0; i < littleEndian.length; i++) {
            bigEndian[i] = littleEndian[littleEndian.length - 1 - i];
        }
        BigInteger value = new BigInteger(bigEndian);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    // ---- argument checks ----

    private void requireArgs(Global global, Tuple args, int atLeast) {
        if (args.size() < atLeast) {
            throw fail(global.qualifiedName() + " takes at least " + atLeast + " arguments, got " + args.size());
        }
    }

    private Tuple asTuple(Object value, String what) {
        if (value instanceof Tuple tuple) {
            return tuple;
        }
        throw fail(what + " is " + describe(value) + ", not a tuple");
    }

    private Collection<?> asCollection(Object value) {
        if (value instanceof Collection<?> collection) {
            return collection;
        }
        if (value instanceof Tuple tuple) {
            return tuple.items();
        }
        throw fail("expected a list, got " + describe(value));
    }

    private long toLong(Object value, String what) {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof BigInteger big) {
            throw fail(what + " " + big + " does not fit in 64 bits");
        }
        throw fail(what + " is " + describe(value) + ", not an integer");
    }

    private long[] toLongs(Object value, String what) {
        List<?> items = value instanceof Tuple tuple ? tuple.items() : value instanceof List<?> list ? list : null;
        if (items == null) {
            throw fail(what + " is " + describe(value) + ", not a tuple of integers");
        }
        long[] longs = new long[items.size()];
        for (int i = 0; i < longs.length; i++) {
            longs[i] = toLong(items.get(i), what);
        }
        return longs;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Global global) {
            return "global '" + global.pickleSpelling() + "'";
        }
        if (value instanceof String s) {
            return "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        }
        return value.getClass().getSimpleName();
    }

    private WeightsException fail(String message) {
        return new WeightsException("cannot read " + source + ": " + message + " (pickle offset " + opcodeOffset + ")");
    }
}
