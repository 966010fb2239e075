package dev.vclip.cli;

import dev.vclip.cli.base.Checks;
import dev.vclip.cli.base.VclipCommand;
import dev.vclip.verify.ProcessorCases;
import dev.vclip.video.ClipImageProcessor;
import dev.vclip.video.RgbFrame;
import dev.vclip.weights.DType;
import dev.vclip.weights.SafeTensors;
import dev.vclip.weights.StoredTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@Command(name = "preprocess", mixinStandardHelpOptions = true, description = {
        "Turn images into CLIP pixel_values exactly as HF's CLIPImageProcessor does (Pillow bicubic resize of the "
                + "shortest edge, centre crop, rescale, normalise), or check the processor against golden frames.",
        "Example: vclip preprocess --verify vclip-core/src/test/resources/processor/frames.safetensors"})
final class PreprocessCommand extends VclipCommand {

    @Parameters(arity = "0..*", paramLabel = "IMAGE", description = "PNG/JPEG/BMP images")
    List<Path> images = List.of();

    @Option(names = "--size", paramLabel = "PIXELS", converter = Checks.AtLeastOne.class,
            description = "shortest edge and crop size (default: ${DEFAULT-VALUE})")
    int size = 224;

    @Option(names = "--config", paramLabel = "preprocessor_config.json", description = "HF processor settings "
            + "(overrides --size)")
    Path config;

    @Option(names = "--out", paramLabel = "FILE", description = "write pixel_values [N, 3, H, W] as safetensors")
    Path out;

    @Option(names = "--verify", paramLabel = "FRAMES.safetensors", description = "check frame_i against "
            + "resized_i / pixel_values_i (224) and resized112_i / pixel_values112_i (112)")
    Path verify;

    @Override
    public Integer call() {
        if (verify != null) {
            ProcessorCases.Report report = ProcessorCases.verify(verify);
            for (ProcessorCases.Result r : report.results()) {
                out().printf("%-5s %-20s max|diff| %.3e%s%n", r.passed() ? "ok" : "FAIL", r.name(), r.maxAbsDiff(),
                        r.detail().isEmpty() ? "" : "  " + r.detail());
            }
            out().println(report.summary());
            return report.failed() == 0 ? 0 : 1;
        }
        if (images.isEmpty()) {
            throw usage("give images to preprocess, or --verify FRAMES.safetensors");
        }
        ClipImageProcessor processor = config != null ? ClipImageProcessor.fromPreprocessorConfig(config)
                : ClipImageProcessor.forImageSize(size);
        List<float[]> outputs = new ArrayList<>();
        int[] outSize = null;
        for (Path image : images) {
            RgbFrame frame = read(image);
            int[] s = processor.outputSize(frame.width(), frame.height());
            if (outSize != null && (s[0] != outSize[0] || s[1] != outSize[1])) {
                throw new dev.vclip.VclipException(image + ": gives " + s[0] + "x" + s[1] + " pixels, the others "
                        + outSize[0] + "x" + outSize[1] + "; use a crop size");
            }
            outSize = s;
            float[] pixels = processor.toPixelValues(frame);
            outputs.add(pixels);
            out().printf("%s  %dx%d -> [3, %d, %d]%n", image, frame.width(), frame.height(), s[1], s[0]);
        }
        if (out != null) {
            int per = outputs.get(0).length;
            ByteBuffer buf = ByteBuffer.allocateDirect(outputs.size() * per * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] p : outputs) {
                for (float v : p) {
                    buf.putFloat(v);
                }
            }
            buf.flip();
            StoredTensor t = new StoredTensor("pixel_values", DType.F32,
                    new long[]{outputs.size(), 3, outSize[1], outSize[0]}, buf);
            SafeTensors.write(out, List.of(t), Map.of("processor", processor.toString()));
            out().println("wrote " + out);
        }
        return 0;
    }

    private static RgbFrame read(Path image) {
        try {
            BufferedImage img = ImageIO.read(image.toFile());
            if (img == null) {
                throw new dev.vclip.VclipException(image + ": not an image format Java can read (PNG, JPEG, BMP, GIF)");
            }
            return RgbFrame.fromBufferedImage(img);
        } catch (IOException e) {
            throw new UncheckedIOException(image + ": cannot read: " + e.getMessage(), e);
        }
    }
}
