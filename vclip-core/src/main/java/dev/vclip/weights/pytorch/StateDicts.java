package dev.vclip.weights.pytorch;

import dev.vclip.weights.WeightsException;
import dev.vclip.weights.pytorch.Pickled.InertObject;
import dev.vclip.weights.pytorch.Pickled.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the name → tensor map inside an unpickled checkpoint.
 *
 * <ul>
 *   <li>A plain state dict (some value at the top is a tensor) is used as it is.</li>
 *   <li>A training checkpoint ({@code {"model": state_dict, "epoch": 3, "optimizer": ...}}) is searched under
 *       {@code "state_dict"}, then {@code "model"}, then {@code "module"}, else under the one entry that holds
 *       tensors; the search repeats inside the entry it picks.</li>
 *   <li>A TorchScript module tree (objects of {@code __torch__.*} classes) is walked through its attributes.</li>
 * </ul>
 * Nested dicts are flattened with '.'-joined names ({@code {"encoder": {"w": t}}} → {@code encoder.w}), in file
 * order. Values that are not tensors (numbers, strings, lists) are skipped.
 */
final class StateDicts {
    /** Entry names that hold the weights of a training checkpoint, in the order they are tried. */
    static final List<String> PREFERRED_KEYS = List.of("state_dict", "model", "module");

    /** The tensors found, and the key path to them ("" for the top level, e.g. "model"). */
    record Located(String keyPath, Map<String, Tensor> tensors) {
    }

    private StateDicts() {
    }

    static Located locate(Object root, String file) {
        return locate(root, "", file);
    }

    private static Located locate(Object node, String keyPath, String file) {
        String where = keyPath.isEmpty() ? "the top-level object" : "entry '" + keyPath + "'";
        if (node instanceof InertObject) {
            return new Located(keyPath, flatten(node, file));
        }
        if (!(node instanceof Map<?, ?> map)) {
            throw new WeightsException("cannot read " + file + ": " + where + " is " + typeName(node)
                    + ", not a dict of tensors (a state dict)");
        }
        if (map.values().stream().anyMatch(v -> v instanceof Tensor)) {
            return new Located(keyPath, flatten(map, file));
        }
        for (String key : PREFERRED_KEYS) {
            if (holdsTensors(map.get(key), newIdentitySet())) {
                return locate(map.get(key), join(keyPath, key), file);
            }
        }
        List<Object> holders = new ArrayList<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (holdsTensors(entry.getValue(), newIdentitySet())) {
                holders.add(entry.getKey());
            }
        }
        if (holders.size() == 1) {
            Object key = holders.get(0);
            return locate(map.get(key), join(keyPath, String.valueOf(key)), file);
        }
        if (holders.isEmpty()) {
            throw new WeightsException("cannot read " + file + ": " + where + " holds no tensors (keys: "
                    + keysPreview(map) + ")");
        }
        throw new WeightsException("cannot read " + file + ": several entries of " + where + " hold tensors "
                + holders + " and none is named " + PREFERRED_KEYS + "; save the state dict you want on its own");
    }

    private static Map<String, Tensor> flatten(Object node, String file) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        flattenInto(node, "", out, newIdentitySet(), file);
        return out;
    }

    private static void flattenInto(Object node, String prefix, Map<String, Tensor> out, Set<Object> visiting,
                                    String file) {
        if (!visiting.add(node)) {
            return; // a container reached again through the memo: its tensors are already listed
        }
        for (Map.Entry<?, ?> entry : children(node)) {
            String name = prefix + keyName(entry.getKey(), file);
            Object value = entry.getValue();
            if (value instanceof Tensor tensor) {
                if (out.put(name, tensor) != null) {
                    throw new WeightsException("cannot read " + file + ": tensor name '" + name + "' occurs twice");
                }
            } else if (value instanceof Map<?, ?> || value instanceof InertObject) {
                flattenInto(value, name + ".", out, visiting, file);
            }
        }
        visiting.remove(node);
    }

    private static boolean holdsTensors(Object node, Set<Object> visiting) {
        if (node instanceof Tensor) {
            return true;
        }
        if (!(node instanceof Map<?, ?> || node instanceof InertObject) || !visiting.add(node)) {
            return false;
        }
        for (Map.Entry<?, ?> entry : children(node)) {
            if (holdsTensors(entry.getValue(), visiting)) {
                return true;
            }
        }
        return false;
    }

    /** A dict's items, or an inert object's attributes followed by its dict items. */
    private static List<Map.Entry<?, ?>> children(Object node) {
        List<Map.Entry<?, ?>> children = new ArrayList<>();
        if (node instanceof Map<?, ?> map) {
            children.addAll(map.entrySet());
        } else if (node instanceof InertObject object) {
            children.addAll(object.attributes().entrySet());
            children.addAll(object.dictItems.entrySet());
        }
        return children;
    }

    private static String keyName(Object key, String file) {
        if (key instanceof String || key instanceof Long || key instanceof Boolean) {
            return String.valueOf(key);
        }
        throw new WeightsException("cannot read " + file + ": a dict holding tensors has a " + typeName(key)
                + " key; state dict keys are strings");
    }

    private static String join(String keyPath, String key) {
        return keyPath.isEmpty() ? key : keyPath + "." + key;
    }

    private static String keysPreview(Map<?, ?> map) {
        List<String> keys = new ArrayList<>();
        for (Object key : map.keySet()) {
            if (keys.size() == 8) {
                keys.add("...");
                break;
            }
            keys.add(String.valueOf(key));
        }
        return String.join(", ", keys);
    }

    private static String typeName(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof InertObject object) {
            return "an object of " + object.className;
        }
        if (value instanceof Tensor) {
            return "a single tensor";
        }
        if (value instanceof List<?> || value instanceof Pickled.Tuple) {
            return "a list";
        }
        return "a " + value.getClass().getSimpleName();
    }

    private static Set<Object> newIdentitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }
}
