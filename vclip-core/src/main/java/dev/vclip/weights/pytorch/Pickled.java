package dev.vclip.weights.pytorch;

import dev.vclip.weights.DType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values {@link RestrictedUnpickler} builds, besides the plain Java ones.
 *
 * <p>Python values become: {@code None} → {@code null}, {@code bool} → {@link Boolean}, {@code int} → {@link Long}
 * (or {@link java.math.BigInteger} past 64 bits), {@code float} → {@link Double}, {@code str} → {@link String},
 * {@code bytes} → {@code byte[]}, {@code list} → {@link ArrayList}, {@code dict} and {@code OrderedDict} →
 * {@link LinkedHashMap} (insertion order kept), {@code set} → {@link java.util.LinkedHashSet}, {@code tuple} →
 * {@link Tuple}. Everything else is one of the records below: data only, nothing here can run code.
 */
final class Pickled {
    private Pickled() {
    }

    /** A Python tuple (kept apart from lists so that persistent ids and tensor sizes read as written). */
    record Tuple(List<Object> items) {
        Tuple {
            items = java.util.Collections.unmodifiableList(new ArrayList<>(items));
        }

        int size() {
            return items.size();
        }

        Object get(int i) {
            return items.get(i);
        }
    }

    /**
     * A global the unpickler accepted ({@code GLOBAL}/{@code STACK_GLOBAL}), with the one role it may play.
     * It is a name, never a Python object: "calling" it means building data in {@link RestrictedUnpickler}.
     */
    record Global(String module, String name, GlobalRole role) {
        String qualifiedName() {
            return module + "." + name;
        }

        /** As pickletools prints a GLOBAL argument: module and name separated by a space. */
        String pickleSpelling() {
            return module + " " + name;
        }
    }

    /** What an accepted global may be used for. */
    enum GlobalRole {
        /** {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])}. */
        REBUILD_TENSOR,
        /** {@code torch._utils._rebuild_parameter(data, requires_grad, hooks)}: the data tensor itself. */
        REBUILD_PARAMETER,
        /** {@code torch._utils._rebuild_parameter_with_state(data, requires_grad, hooks, state)}. */
        REBUILD_PARAMETER_WITH_STATE,
        /** {@code torch._tensor._rebuild_from_type_v2(func, type, args, state)}: applies one of the rebuilders. */
        REBUILD_FROM_TYPE,
        /** {@code torch.Tensor} / {@code torch.nn.parameter.Parameter}: only as the type argument above. */
        TENSOR_TYPE,
        /** {@code torch.FloatStorage} and friends: only inside a storage persistent id. */
        STORAGE_TYPE,
        /** {@code collections.OrderedDict}. */
        ORDERED_DICT,
        /** {@code builtins.set} / {@code builtins.frozenset} (pickled as {@code __builtin__} at protocol 2). */
        SET,
        /** {@code torch.device(type[, index])}: becomes its string form, e.g. {@code "cuda:0"}. */
        DEVICE,
        /** {@code torch.Size(tuple)}: becomes the tuple. */
        SIZE,
        /** {@code _codecs.encode(text, 'latin1')}: how protocol 2 writes {@code bytes}. */
        LATIN1_BYTES,
        /** {@code torch.jit._pickle.build_intlist} etc.: TorchScript's typed lists, returned as lists. */
        TORCHSCRIPT_LIST,
        /** {@code torch.jit._pickle.restore_type_tag(value, type)}: the value. */
        TORCHSCRIPT_TYPE_TAG,
        /** {@code __torch__.*}: a TorchScript class, read as an {@link InertObject} (its attributes as data). */
        TORCHSCRIPT_CLASS,
        /** A class the caller allowed to be read as an {@link InertObject}, e.g. {@code yacs.config.CfgNode}. */
        CALLER_ALLOWED_CLASS
    }

    /**
     * A storage named by a persistent id {@code ('storage', storage_type, key, location, numel)}
     * (torch/serialization.py {@code persistent_id}); its bytes are the zip entry {@code <prefix>/data/<key>}.
     *
     * @param dtype       element type, null for storage types vclip does not read (complex, quantized)
     * @param typeName    the storage type as pickled, e.g. {@code torch.FloatStorage}
     * @param numElements elements of {@code dtype} the storage holds ({@code UntypedStorage}: bytes)
     */
    record Storage(DType dtype, String typeName, String key, String location, long numElements) {
    }

    /** A tensor view: {@code _rebuild_tensor_v2}'s arguments, in elements of the storage's dtype. */
    record Tensor(Storage storage, long storageOffset, long[] size, long[] stride) {
        Tensor {
            size = size.clone();
            stride = stride.clone();
        }

        @Override
        public String toString() {
            return "Tensor[" + storage.typeName() + " key=" + storage.key() + " offset=" + storageOffset
                    + " size=" + Arrays.toString(size) + " stride=" + Arrays.toString(stride) + "]";
        }
    }

    /**
     * An instance of a class that is only recorded, never constructed: a TorchScript module (its attributes
     * arrive through BUILD) or a class the caller allowed, such as a training config.
     */
    static final class InertObject {
        final String className;
        final List<Object> constructorArgs;
        /** Items added by SETITEM(S) (a dict subclass) in order. */
        final Map<Object, Object> dictItems = new LinkedHashMap<>();
        /** Items added by APPEND(S) (a list subclass). */
        final List<Object> listItems = new ArrayList<>();
        /** The BUILD argument ({@code __setstate__}), usually a dict of attributes; null when none. */
        Object state;

        InertObject(String className, List<Object> constructorArgs) {
            this.className = className;
            this.constructorArgs = constructorArgs;
        }

        /** The attributes: a dict state, or the dict half of a {@code (dict, slots)} state tuple. */
        Map<?, ?> attributes() {
            if (state instanceof Map<?, ?> map) {
                return map;
            }
            if (state instanceof Tuple tuple && tuple.size() == 2 && tuple.get(0) instanceof Map<?, ?> map) {
                return map;
            }
            return Map.of();
        }

        @Override
        public String toString() {
            return "InertObject[" + className + "]";
        }
    }
}
