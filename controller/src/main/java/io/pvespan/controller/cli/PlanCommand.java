package io.pvespan.controller.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pvespan.controller.planner.MirrorPlanner;
import io.pvespan.controller.pve.PveException;
import io.pvespan.controller.pve.PveInventorySource;
import io.pvespan.inventory.Inventory;
import io.pvespan.inventory.InventoryJson;
import io.pvespan.plan.PlanJson;
import io.pvespan.plan.PlanResult;
import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecLoader;
import io.pvespan.spec.load.SpecProblem;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code ./pvespan plan}: a dry run. Loads the specs, reads the inventory, runs the planner and
 * prints every node's plan (text for people, or JSON/YAML: {@code {"plans":[...], "warnings":[...],
 * "errors":[...]}}). Spec or planner errors: exit 1, one line each on stderr, no plan printed.
 */
@picocli.CommandLine.Command(
    name = "plan",
    customSynopsis =
        "./pvespan plan --specs DIR... (--inventory FILE | PROXMOX) [-o text|json|yaml]%n"
            + "./pvespan plan --diff --controller URL [--specs DIR...] [-o text|json]%n"
            + "  PROXMOX: "
            + PveOptions.SYNOPSIS,
    description = {
      "show the per-node mirror plans for specs and an inventory (dry run)",
      "",
      "Shows the per-node mirror plans for specs and an inventory (dry run): the inventory comes"
          + " from a saved file (--inventory) or from the live cluster (--pve-url, see"
          + " docs/proxmox-access.md).",
      "Exit 0 with the plans on stdout; 1 with one line per spec or planner error on stderr;"
          + " 2 for usage errors.",
      "",
      "With --diff: plans the specs (default: the current directory) against the inventory of"
          + " the running controller at --controller and prints, per node, the mirrors, tunnels"
          + " and deliveries that would be added (+) or removed (-) compared with the plans it"
          + " has in force. Exit 0 when nothing would change, 3 when anything would (a"
          + " merge-request check), 1 for spec or planner errors or an unreachable controller."
    })
public final class PlanCommand implements Command, Callable<Integer> {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .disable(YAMLGenerator.Feature.SPLIT_LINES)
          .build();

  /** How the plans are printed. */
  enum Format {
    TEXT,
    JSON,
    YAML;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Spec CommandSpec spec;

  @Mixin HelpOption help;

  /** {@code plan --diff}'s exit code when any node's plan would change. */
  public static final int EXIT_CHANGES = 3;

  @Option(
      names = "--specs",
      paramLabel = "DIR",
      description =
          "spec files or directories (*.yaml, *.yml); repeatable; required unless --diff"
              + " (which defaults to the current directory)")
  List<Path> specs;

  @Option(
      names = "--diff",
      description =
          "compare with the plans the controller at --controller has in force; exit 3 when"
              + " anything would change")
  boolean diff;

  @Option(
      names = "--controller",
      paramLabel = "URL",
      description = "with --diff: the controller's API, e.g. http://127.0.0.1:8780")
  java.net.URI controller;

  @Option(
      names = "--inventory",
      paramLabel = "FILE",
      description = "a saved cluster inventory (JSON, see test-fixtures/inventories)")
  Path inventory;

  @Mixin PveOptions pve;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = FormatConverter.class,
      description = "text (default, for people), json or yaml")
  Format output;

  private final Function<List<Path>, LoadResult> specLoader;
  private final InputStream stdin;

  public PlanCommand() {
    this(SpecLoader::load, InputStream.nullInputStream());
  }

  PlanCommand(InputStream stdin) {
    this(SpecLoader::load, stdin);
  }

  /** With another spec loader: for tests until a loader exists for what they need. */
  PlanCommand(Function<List<Path>, LoadResult> specLoader, InputStream stdin) {
    this.specLoader = specLoader;
    this.stdin = stdin;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (diff || controller != null) {
      return diff(out, err);
    }
    if (specs == null || specs.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--specs DIR is required");
    }
    String problem = pve.problem();
    if (problem == null && inventory == null && !pve.present()) {
      problem = "--inventory FILE or --pve-url URL is required";
    }
    if (problem == null && inventory != null && pve.present()) {
      problem = "--inventory and --pve-url exclude each other";
    }
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), problem);
    }
    LoadResult loaded = specLoader.apply(specs);
    if (!loaded.ok()) {
      for (SpecProblem problemLine : loaded.problems()) {
        err.println(problemLine);
      }
      return 1;
    }
    Inventory inv;
    try {
      inv = inventory();
    } catch (InventoryJson.InvalidInventoryException e) {
      err.println(e.getMessage());
      return 1;
    } catch (PveException e) {
      err.println("pvespan plan: " + e.getMessage());
      return 1;
    }
    PlanResult result = MirrorPlanner.plan(loaded.specs(), inv, Map.of());
    if (!result.ok()) {
      for (String error : result.errors()) {
        err.println(error);
      }
      return 1;
    }
    out.print(render(result, output));
    out.flush();
    return 0;
  }

  /** {@code --diff}: this change against what the controller at {@code --controller} runs. */
  private int diff(PrintWriter out, PrintWriter err) {
    String problem = null;
    if (!diff) {
      problem = "--controller is only used with --diff";
    } else if (controller == null) {
      problem = "--diff needs --controller URL";
    } else if (inventory != null || pve.present()) {
      problem = "--diff plans against the controller's inventory: no --inventory or --pve-url";
    } else if (output == Format.YAML) {
      problem = "--diff prints text or json";
    }
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), problem);
    }
    LoadResult loaded = specLoader.apply(specs == null ? List.of(Path.of(".")) : specs);
    if (!loaded.ok()) {
      loaded.problems().forEach(err::println);
      return 1;
    }
    ControllerPlans running;
    try {
      running = ControllerPlans.fetch(controller);
    } catch (java.io.IOException e) {
      err.println("pvespan plan: cannot read the controller: " + e.getMessage());
      return 1;
    }
    if (running.inventory() == null) {
      err.println("pvespan plan: the controller has not read the cluster inventory yet");
      return 1;
    }
    Map<String, io.pvespan.plan.NodeMirrorPlan> previous = new java.util.TreeMap<>();
    running.plans().forEach(p -> previous.put(p.node(), p));
    PlanResult result = MirrorPlanner.plan(loaded.specs(), running.inventory(), previous);
    if (!result.ok()) {
      result.errors().forEach(err::println);
      return 1;
    }
    if (!running.specErrors().isEmpty()) {
      err.println(
          "pvespan plan: note: the controller refuses its newest specs ("
              + running.specErrors().size()
              + " problems); compared with the plans it has in force");
    }
    List<PlanDiff.NodeDiff> diffs = PlanDiff.of(running.plans(), result.plans());
    // The controller reads NIC configs only for guests its specs in force select: a guest this
    // change starts to select has none in its inventory yet, so its mirrors cannot be previewed.
    // Saying "no change" there would pass the most common merge request unchecked.
    java.util.function.Predicate<io.pvespan.inventory.Guest> wanted =
        io.pvespan.controller.planner.GuestInterest.of(loaded.specs());
    List<String> unseen =
        running.inventory().guests().stream()
            .filter(g -> g.nics().isEmpty() && wanted.test(g))
            .map(g -> String.valueOf(g.vmid().value()))
            .toList();
    boolean changed = diffs.stream().anyMatch(PlanDiff.NodeDiff::changed) || !unseen.isEmpty();
    String unseenNote =
        "guests "
            + String.join(", ", unseen)
            + " are selected by this change but the controller has not read their NICs yet"
            + " (it reads them once the change is applied): their mirrors are not in this diff";
    if (output == Format.JSON) {
      out.println(
          PlanJson.writePretty(
              Map.of(
                  "nodes", diffs,
                  "changed", changed,
                  "notPreviewed", unseen,
                  "warnings", result.warnings())));
    } else {
      out.print(PlanDiff.render(diffs));
      result.warnings().forEach(w -> out.println("warning: " + w));
      if (!unseen.isEmpty()) {
        out.println("warning: " + unseenNote);
      }
    }
    out.flush();
    return changed ? EXIT_CHANGES : 0;
  }

  /** The one place the inventory comes from: a saved file, or the Proxmox API. */
  private Inventory inventory() throws PveException {
    if (!pve.present()) {
      return InventoryJson.read(inventory);
    }
    try (PveInventorySource source = PveInventorySource.open(pve.connection(stdin))) {
      return source.poll().inventory();
    }
  }

  static String render(PlanResult result, Format format) {
    return switch (format) {
      case JSON -> PlanJson.writePretty(result) + System.lineSeparator();
      case YAML -> yaml(result);
      case TEXT -> PlanText.render(result);
    };
  }

  private static String yaml(PlanResult result) {
    try {
      // Through the JSON tree, so YAML shows exactly the JSON mapping's fields and names.
      return YAML.writeValueAsString(PlanJson.MAPPER.valueToTree(result));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plan does not serialise to YAML", e);
    }
  }

  /** {@code text}, {@code json} or {@code yaml}, in the words of the error message. */
  static final class FormatConverter implements ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      for (Format f : Format.values()) {
        if (f.toString().equals(value)) {
          return f;
        }
      }
      throw new TypeConversionException("'" + value + "' is not text, json or yaml");
    }
  }
}
