package io.pvespan.agent.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A fake {@link CommandRunner} for unit tests: records every argv and batch line, answers show
 * commands from a function (canned iproute2 JSON), reports chosen batch lines as failed.
 */
public final class RecordingRunner implements CommandRunner {
  public final List<String> commands = new ArrayList<>();
  public final List<List<String>> batches = new ArrayList<>();
  private final Function<String, String> answers;
  private final Set<String> failing;
  private long spawned;

  /** {@code answers}: batch line or argv text to JSON; {@code failing}: lines that fail. */
  public RecordingRunner(Function<String, String> answers, Set<String> failing) {
    this.answers = answers;
    this.failing = failing;
  }

  @Override
  public String run(Tool tool, Set<Option> options, CommandLine command) {
    spawned++;
    commands.add(tool.name().toLowerCase() + " " + command.batchLine());
    return answers.apply(command.batchLine());
  }

  @Override
  public BatchResult batch(Tool tool, Set<Option> options, List<CommandLine> lines) {
    spawned++;
    List<String> text = lines.stream().map(CommandLine::batchLine).toList();
    batches.add(text);
    StringBuilder out = new StringBuilder();
    Map<Integer, String> failed = new java.util.HashMap<>();
    for (int i = 0; i < text.size(); i++) {
      if (failing.contains(text.get(i))) {
        failed.put(i + 1, "Error: injected");
      } else if (options.contains(Option.JSON)) {
        out.append(answers.apply(text.get(i))).append('\n');
      }
    }
    return new BatchResult(out.toString(), failed);
  }

  @Override
  public Process start(Tool tool, CommandLine command) throws KernelCommandException {
    throw new KernelCommandException("fake", -1, "no long-running processes in unit tests");
  }

  @Override
  public long processesSpawned() {
    return spawned;
  }
}
