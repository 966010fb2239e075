package dev.vclip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The conventions every command follows (README "Command-line conventions"), checked over the whole command tree. */
class CliConventionsTest {

    @TempDir
    Path dir;

    static final String XCLIP = dev.vclip.TestResources.path("models/xclip-tiny-a").toString();

    /** Every command below the root, depth first (bench's benchmarks included), without picocli's help command. */
    static List<CommandLine> commands() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        return all;
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help") && !into.contains(sub)) {
                into.add(sub);
                collect(sub, into);
            }
        }
    }

    /** "vclip bench model" -> ["bench", "model"]. */
    private static List<String> path(CommandLine command) {
        List<String> words = new ArrayList<>(Arrays.asList(command.getCommandSpec().qualifiedName().split(" ")));
        return words.subList(1, words.size());
    }

    @Test
    void helpAndDashHWorkOnEveryCommand() {
        for (CommandLine command : commands()) {
            for (String flag : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(path(command));
                args.add(flag);
                CliRun.Result r = CliRun.run(args.toArray(new String[0]));
                assertEquals(0, r.exit(), args + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: vclip " + String.join(" ", path(command))), args + ": " + r.out());
            }
        }
    }

    @Test
    void everyOptionAndPositionalSaysWhatItIs() {
        List<String> undescribed = new ArrayList<>();
        for (CommandLine command : commands()) {
            CommandSpec spec = command.getCommandSpec();
            List<ArgSpec> args = new ArrayList<>(spec.options());
            args.addAll(spec.positionalParameters());
            for (ArgSpec arg : args) {
                if (!arg.hidden() && String.join("", arg.description()).isBlank()) {
                    undescribed.add(spec.qualifiedName() + " " + arg.paramLabel()
                            + (arg instanceof CommandLine.Model.OptionSpec o ? " " + o.longestName() : ""));
                }
            }
        }
        assertEquals(List.of(), undescribed);
    }

    @Test
    void aMissingOptionIsOneErrorLineAndAHintNotTheUsage() {
        CliRun.Result r = CliRun.run("zeroshot", "--model", XCLIP);
        assertEquals(2, r.exit());
        assertEquals(List.of("error: Missing required options: '--list=FILE', '--labels=FILE'",
                "see 'vclip zeroshot --help'"), r.err().lines().toList());
        assertEquals("", r.out());
        CliRun.Result nested = CliRun.run("bench", "data");
        assertEquals(2, nested.exit());
        assertTrue(nested.err().contains("see 'vclip bench data --help'"), nested.err());
    }

    @Test
    void outOfRangeNumbersAndBlankTextsAreUsageErrorsNamingTheOption() {
        String[] zeroshot = {"zeroshot", "--model", XCLIP, "--list", "l.txt", "--labels", "l.csv"};
        String[] localize = {"localize", "v.mp4", "--model", XCLIP, "--query", "a circle"};
        List<List<String>> cases = List.of(
                with(zeroshot, "--batch", "0"), with(zeroshot, "--batch", "-1"), with(zeroshot, "--workers", "0"),
                with(zeroshot, "--views", "0x1"), with(zeroshot, "--views", "2x2"), with(zeroshot, "--num-frames", "0"),
                with(zeroshot, "--num-frames", "-3"), with(zeroshot, "--top", "0"), with(zeroshot, "--template", " "),
                with(localize, "--stride", "-1"), with(localize, "--window", "0"), with(localize, "--top", "0"),
                List.of("localize", "v.mp4", "--model", XCLIP, "--query", ""),
                List.of("localize", "v.mp4", "--model", XCLIP, "--query", "   "),
                List.of("classify", "v.mp4", "--model", XCLIP, "--labels", "l.csv", "--top", "0"),
                List.of("retrieval", "--model", XCLIP, "--captions", "c.csv", "--top", "0"),
                List.of("tokenize", "a cat", "--context", "0"),
                List.of("frames", "v.mp4", "--out", "o", "--num-frames", "0"),
                List.of("synth", "--out", "o", "--clips-per-class", "0"),
                List.of("train", "-cfg", "c.yaml", "--batch", "0"),
                List.of("bench", "localize", "v.mp4", "--window", "0"),
                List.of("bench", "data", "--dataset", "d", "--workers", "0"));
        for (List<String> args : cases) {
            CliRun.Result r = CliRun.run(args.toArray(new String[0]));
            String option = args.get(args.size() - 2);
            assertEquals(2, r.exit(), args + ": " + r.err());
            assertTrue(r.err().startsWith("error: Invalid value for option '" + option + "'"), args + ": " + r.err());
        }
    }

    private static List<String> with(String[] base, String... more) {
        List<String> args = new ArrayList<>(Arrays.asList(base));
        args.addAll(Arrays.asList(more));
        return args;
    }

    /** Top-level folders of the repository: a help example's path starting with one must exist in a fresh clone. */
    private static final Set<String> REPOSITORY_FOLDERS = Set.of("configs", "models", "vclip-core", "vclip-cli");

    @Test
    void everyHelpExampleParsesAndItsRepositoryFilesExist() {
        Path home = Main.home();
        int examples = 0;
        for (CommandLine command : commands()) {
            for (String line : command.getCommandSpec().usageMessage().description()) {
                if (!line.startsWith("Example: vclip ")) {
                    continue;
                }
                examples++;
                List<String> words = shellWords(line.substring("Example: vclip ".length()));
                assertParses(words, line);
                for (String word : words) {
                    String first = word.split("/")[0];
                    if (word.contains("/") && REPOSITORY_FOLDERS.contains(first)) {
                        assertTrue(Files.exists(home.resolve(word)), line + ": " + word + " is not in the repository");
                    }
                }
            }
        }
        assertTrue(examples >= 15, examples + " examples");
    }

    @Test
    void everyReadmeCommandParses() throws Exception {
        String readme = Files.readString(Main.home().resolve("README.md"));
        Matcher block = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL).matcher(readme);
        int commands = 0;
        while (block.find()) {
            for (String line : block.group(1).split("\n")) {
                String command = line.replaceFirst("\\s+#.*$", "").trim();
                if (!command.startsWith("./vclip ")) {
                    continue;
                }
                commands++;
                // optional parts are written [--opt VALUE]; "..." stands for more of the same
                List<String> words = new ArrayList<>(shellWords(command.substring("./vclip ".length())
                        .replace("[", "").replace("]", "")));
                words.removeIf(w -> w.equals("..."));
                assertParses(words, line);
            }
        }
        assertTrue(commands >= 20, commands + " commands");
    }

    private static void assertParses(List<String> words, String line) {
        try {
            CommandLine.ParseResult parsed = Main.commandLine().parseArgs(words.toArray(new String[0]));
            while (parsed.hasSubcommand()) {
                parsed = parsed.subcommand();
            }
            assertTrue(parsed.errors().isEmpty(), line + ": " + parsed.errors());
        } catch (CommandLine.ParameterException e) {
            fail(line + ": " + e.getMessage());
        }
    }

    /** Words as a POSIX shell splits a simple line: blanks separate, double quotes group. */
    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return words;
    }

    @Test
    void jsonIsOneDocumentOnStandardOutput() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        CliRun.Result info = CliRun.run("info", "--model", XCLIP, "--json");
        assertEquals(0, info.exit(), info.err());
        assertTrue(mapper.readTree(info.out()).path("parameters").asLong() > 0, info.out());
        CliRun.Result verify = CliRun.run("verify", "--model", XCLIP, "--case", XCLIP + "/case.safetensors", "--json");
        assertEquals(0, verify.exit(), verify.err());
        JsonNode v = mapper.readTree(verify.out());
        assertEquals(19, v.path("passed").asInt());
        assertEquals(v.path("results").size(), 19);
        CliRun.Result tokens = CliRun.run("tokenize", "a photo of a cat", "--json");
        assertEquals(0, tokens.exit(), tokens.err());
        assertEquals("[49406,320,1125,539,320,2368,49407]", mapper.readTree(tokens.out()).get(0).get("ids").toString());
    }

    @Test
    void infoTakesTheModelAsAnOptionAndStillAsAPositional() {
        CliRun.Result option = CliRun.run("info", "--model", XCLIP);
        CliRun.Result positional = CliRun.run("info", XCLIP);
        assertEquals(0, option.exit(), option.err());
        assertEquals(0, positional.exit(), positional.err());
        assertTrue(option.out().contains("X-CLIP"), option.out());
    }

    @Test
    void commandsPrintThroughPicocliWritersOnly() {
        CliRun.Result r = CliRun.run("tokenize", "a photo of a cat");
        assertEquals("", r.strayOut(), "printed to System.out, around the writer the caller gave");
        assertFalse(r.out().isEmpty());
    }

    @Test
    void trainingAConfigWithoutItsDataSaysHowToMakeIt() {
        Path config = Main.home().resolve("configs/synth/xclip-tiny.yaml");
        CliRun.Result r = CliRun.run("train", "-cfg", config.toString(), "--out", dir.resolve("x").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("DATA.TRAIN_FILE") && r.err().contains(
                "vclip synth --out runs/synth-learning/data --seed 0"), r.err());
    }
}
