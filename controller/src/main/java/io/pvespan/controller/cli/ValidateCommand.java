package io.pvespan.controller.cli;

import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecLoader;
import io.pvespan.spec.load.SpecProblem;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./pvespan validate PATH...}: checks spec files and directory trees (schemas and
 * semantics). Exit 0 with a one-line summary on {@code out}; 1 with one {@code file:line:col:
 * message} line per problem on {@code err}; 2 for usage errors.
 */
public final class ValidateCommand implements Command {
  private static final String USAGE =
      """
      usage: ./pvespan validate PATH...
        Validates pvespan specs (Sensor, MirrorSession): each PATH is a YAML file or a directory
        searched for *.yaml and *.yml. Exit 0 when all are valid, 1 with one line per problem
        (file:line:col: message), 2 for usage errors.""";

  @Override
  public String name() {
    return "validate";
  }

  @Override
  public String summary() {
    return "check spec files (schemas and semantics); one line per problem";
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) {
    List<Path> paths = new ArrayList<>();
    boolean endOfOptions = false;
    for (String arg : args) {
      if (!endOfOptions && (arg.equals("--help") || arg.equals("-h"))) {
        out.println(USAGE);
        return 0;
      } else if (!endOfOptions && arg.equals("--")) {
        endOfOptions = true;
      } else if (!endOfOptions && arg.startsWith("-") && arg.length() > 1) {
        err.println("pvespan validate: unknown option '" + arg + "'");
        err.println(USAGE);
        return 2;
      } else {
        paths.add(Path.of(arg));
      }
    }
    if (paths.isEmpty()) {
      err.println("pvespan validate: no PATH given");
      err.println(USAGE);
      return 2;
    }
    List<SpecProblem> unused = new ArrayList<>();
    int files = SpecLoader.files(paths, unused).size();
    LoadResult result = SpecLoader.load(paths);
    if (!result.ok()) {
      result.problems().forEach(err::println);
      return 1;
    }
    int specs = result.specs().sensors().size() + result.specs().sessions().size();
    out.println(
        specs
            + (specs == 1 ? " spec" : " specs")
            + " valid in "
            + files
            + (files == 1 ? " file" : " files"));
    return 0;
  }
}
