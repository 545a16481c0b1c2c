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
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code ./pvespan plan}: a dry run. Loads the specs, reads the inventory, runs the planner and
 * prints every node's plan (text for people, or JSON/YAML: {@code {"plans":[...], "warnings":[...],
 * "errors":[...]}}). Spec or planner errors: exit 1, one line each on stderr, no plan printed.
 */
public final class PlanCommand implements Command {
  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .disable(YAMLGenerator.Feature.SPLIT_LINES)
          .build();

  private final Function<List<Path>, LoadResult> specLoader;

  public PlanCommand() {
    this(SpecLoader::load);
  }

  /** With another spec loader: for tests until a loader exists for what they need. */
  PlanCommand(Function<List<Path>, LoadResult> specLoader) {
    this.specLoader = specLoader;
  }

  @Override
  public String name() {
    return "plan";
  }

  @Override
  public String summary() {
    return "show the per-node mirror plans for specs and an inventory (dry run)";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    PlanOptions options;
    try {
      options = PlanOptions.parse(args);
    } catch (PlanOptions.UsageException e) {
      err.println("pvespan plan: " + e.getMessage());
      err.println(PlanOptions.USAGE);
      return 2;
    }
    if (options.help()) {
      out.println(PlanOptions.USAGE);
      out.println("  --specs DIR       spec files or directories (*.yaml, *.yml); repeatable");
      out.println(
          "  --inventory FILE  a saved cluster inventory (JSON, see test-fixtures/inventories)");
      out.println("  --pve-url URL     read the live cluster instead (token, fingerprint: see");
      out.println("                    ./pvespan inventory --help and docs/proxmox-access.md)");
      out.println("  --output FORMAT   text (default, for people), json or yaml");
      return 0;
    }
    LoadResult loaded = specLoader.apply(options.specs());
    if (!loaded.ok()) {
      for (SpecProblem problem : loaded.problems()) {
        err.println(problem);
      }
      return 1;
    }
    Inventory inventory;
    try {
      inventory = inventory(options);
    } catch (InventoryJson.InvalidInventoryException e) {
      err.println(e.getMessage());
      return 1;
    } catch (PveException e) {
      err.println("pvespan plan: " + e.getMessage());
      return 1;
    }
    PlanResult result = MirrorPlanner.plan(loaded.specs(), inventory, Map.of());
    if (!result.ok()) {
      for (String error : result.errors()) {
        err.println(error);
      }
      return 1;
    }
    out.print(render(result, options.output()));
    return 0;
  }

  /**
   * The one place the inventory comes from: a file today; the Proxmox API ({@code --pve-url}) is to
   * be added here, as another branch on {@code options}.
   */
  Inventory inventory(PlanOptions options) throws PveException {
    if (options.pve() == null) {
      return InventoryJson.read(options.inventory());
    }
    try (PveInventorySource source = PveInventorySource.open(options.pve().connection())) {
      return source.poll().inventory();
    }
  }

  static String render(PlanResult result, PlanOptions.Format format) {
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
}
