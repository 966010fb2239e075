package dev.vclip.weights.pytorch;

import dev.vclip.weights.CheckpointLayout;
import dev.vclip.weights.KeyMapping;
import dev.vclip.weights.StoredTensor;
import dev.vclip.weights.TensorFile;
import dev.vclip.weights.WeightsException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An original PyTorch checkpoint (OpenAI CLIP, X-CLIP, ViFi-CLIP, or one already in HF names) seen through
 * {@link KeyMapping}: its tensors under Hugging Face names, so model code loads it like a safetensors file.
 */
public final class MappedCheckpoint implements TensorFile {

    /**
     * Classes read as inert data rather than refused: X-CLIP and ViFi-CLIP save their yacs training config
     * ({@code 'config': CfgNode}) next to the weights. Nothing of it is built or called.
     */
    public static final Set<String> TRAINING_CONFIG_CLASSES = Set.of("yacs.config.CfgNode");

    private final PytorchCheckpoint checkpoint;
    private final KeyMapping.Mapped mapping;

    private MappedCheckpoint(PytorchCheckpoint checkpoint, KeyMapping.Mapped mapping) {
        this.checkpoint = checkpoint;
        this.mapping = mapping;
    }

    /**
     * Opens {@code file} (a torch.save zip) and maps its names, detecting the layout among {@code layouts} (the
     * registered families' ones: {@code ModelFamilies.checkpointLayouts()}); HF names need no layout.
     */
    public static MappedCheckpoint open(Path file, List<CheckpointLayout> layouts) {
        PytorchCheckpoint checkpoint = PytorchCheckpoint.open(file, TRAINING_CONFIG_CLASSES);
        try {
            return new MappedCheckpoint(checkpoint, KeyMapping.toHf(checkpoint, layouts));
        } catch (RuntimeException e) {
            checkpoint.close();
            throw e;
        }
    }

    /** The mapping: detected layout, extras, dropped and unmapped names. */
    public KeyMapping.Mapped mapping() {
        return mapping;
    }

    @Override
    public Path path() {
        return checkpoint.path();
    }

    @Override
    public Set<String> names() {
        return mapping.tensors().keySet();
    }

    @Override
    public StoredTensor get(String name) {
        StoredTensor t = mapping.tensors().get(name);
        if (t == null) {
            throw new WeightsException(path() + ": no tensor named '" + name + "' (after mapping "
                    + mapping.layout() + " names to Hugging Face names)");
        }
        return t;
    }

    @Override
    public Map<String, String> metadata() {
        return checkpoint.metadata();
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
