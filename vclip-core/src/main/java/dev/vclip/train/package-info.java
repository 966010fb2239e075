/**
 * Training, fine-tuning and linear probing of the CLIP-family video models, with the same model code as inference
 * ({@link dev.vclip.model.XClip}, {@link dev.vclip.model.Clip} run on trainable weights; no second model).
 *
 * <ul>
 *   <li>{@link dev.vclip.train.TrainConfig}: YAML configs with the key names and defaults of X-CLIP's and
 *   ViFi-CLIP's {@code utils/config.py}, {@code --opts KEY VALUE}, errors naming file and key;</li>
 *   <li>{@link dev.vclip.train.TrainRun}: a whole run (data, model, epochs, validation, checkpoints, resume,
 *   final model folder, report); {@link dev.vclip.train.Trainer}: one optimiser step (gradient accumulation,
 *   clipping, loss scaling); {@link dev.vclip.train.AdamW}, {@link dev.vclip.train.LrSchedule},
 *   {@link dev.vclip.train.ParameterPlan} (freezing, no-decay groups, 10x LR of X-CLIP's new modules, CLIP4Clip's
 *   coef_lr for CLIP, by the family's {@link dev.vclip.model.ModelFamily.TrainingRecipe});</li>
 *   <li>{@link dev.vclip.train.LossHead}: recognition (cross-entropy with soft targets over the class texts),
 *   video–text contrastive, and joint (recognition plus a multi-positive InfoNCE over tagged texts and hard
 *   negatives); {@link dev.vclip.train.Blending}: label smoothing, mixup and cutmix as X-CLIP's
 *   {@code CutmixMixupBlending}; {@link dev.vclip.train.TrainingData}: the deterministic, resumable stream;</li>
 *   <li>{@link dev.vclip.train.LinearProbe} / {@link dev.vclip.train.LinearProbeRun}: a linear head on cached
 *   frozen features; {@link dev.vclip.train.EvalRun}: multi-view evaluation of a model folder;</li>
 *   <li>{@link dev.vclip.train.Precision}: fp32 on CPU, fp16 mixed precision with dynamic loss scaling on GPUs;
 *   {@link dev.vclip.train.VlPrompts}: ViFi-CLIP's VL prompt parameters; {@code vclip bench fp16}: fp16
 *   versus fp32 timing on this machine.</li>
 * </ul>
 *
 * <p>Training runs the task layer for validation and linear probes (encoders, feature caches, zero-shot scoring),
 * reads the dataset formats and, for synthetic sets, their direction twins ({@code DatasetJson}), writes reports,
 * and writes files with {@code dev.vclip.AtomicFiles}.
 *
 * <p>May depend on: {@code dev.vclip}, {@code dev.vclip.data}, {@code dev.vclip.eval}, {@code dev.vclip.model}, {@code dev.vclip.report}, {@code dev.vclip.task}, {@code dev.vclip.tokenizer}, {@code dev.vclip.video}, {@code dev.vclip.weights}.
 */
package dev.vclip.train;
