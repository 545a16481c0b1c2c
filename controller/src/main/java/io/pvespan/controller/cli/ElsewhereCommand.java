package io.pvespan.controller.cli;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The subcommands of {@code ./pvespan} that live in other jars: the node agent's ({@code agent})
 * and the lab's ({@code demo}, {@code pve-standin}; test and demo tooling, never in production).
 * The launcher sends them there; here they are listed in {@code --help}, take part in "did you
 * mean", and, run directly against this jar, say where they live (exit 2).
 */
final class ElsewhereCommand implements Callable<Integer> {
  static final Set<String> NAMES = Set.of("agent", "demo", "pve-standin");

  private final String name;
  private final String jar;
  private CommandSpec spec;

  private ElsewhereCommand(String name, String jar) {
    this.name = name;
    this.jar = jar;
  }

  static void addTo(CommandLine parent) {
    add(
        parent,
        "agent",
        "the agent jar (node-agent/target/pvespan-agent.jar)",
        "(agent jar) run the node agent on a Proxmox VE node");
    add(
        parent,
        "demo",
        "the lab jar (lab/target/pvespan-lab.jar)",
        "(lab jar) the whole system in a 3-node lab of network namespaces (root)");
    add(
        parent,
        "pve-standin",
        "the lab jar (lab/target/pvespan-lab.jar)",
        "(lab jar) serve a Proxmox API stand-in");
  }

  private static void add(CommandLine parent, String name, String jar, String summary) {
    ElsewhereCommand command = new ElsewhereCommand(name, jar);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    command.spec = spec;
    spec.name(name);
    spec.usageMessage().description(summary);
    spec.addPositional(
        PositionalParamSpec.builder()
            .arity("0..*")
            .type(List.class)
            .auxiliaryTypes(String.class)
            .paramLabel("ARGS")
            .description("the command's own arguments (./pvespan " + name + " --help)")
            .build());
    spec.parser().unmatchedOptionsArePositionalParams(true);
    parent.addSubcommand(name, new CommandLine(spec));
  }

  @Override
  public Integer call() {
    spec.commandLine()
        .getErr()
        .println(
            "pvespan: '"
                + name
                + "' lives in "
                + jar
                + ", not in the controller's; run ./pvespan "
                + name);
    return 2;
  }
}
