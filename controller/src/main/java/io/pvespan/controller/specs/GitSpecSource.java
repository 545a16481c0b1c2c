package io.pvespan.controller.specs;

import io.pvespan.controller.config.ControllerConfig;
import io.pvespan.spec.load.LoadResult;
import io.pvespan.spec.load.SpecLoader;
import io.pvespan.spec.load.SpecProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Specs pulled from a Git branch with JGit ({@code specs.git}). The fingerprint is the branch's
 * head commit, fetched at most once per poll interval into a bare repository of the controller's
 * own under {@code dir}; {@link #load()} writes that commit's spec files (only {@code
 * *.yaml}/{@code *.yml}, not hidden, regular files; blobs over 1 MiB refused by their size, unread)
 * into {@code dir/checkout} and validates them, with problems named by their path in the
 * repository. A commit is applied only when all of it is valid: {@link SpecRefresh} keeps the
 * previous one otherwise. Called from one thread at a time (the spec check).
 */
public final class GitSpecSource implements SpecSource {
  static final long MAX_BYTES = 1024 * 1024;
  private static final int FETCH_TIMEOUT_SECONDS = 30;

  private final ControllerConfig.Git git;
  private final Path dir;
  private final Clock clock;
  private Repository repository;
  private Instant lastFetch;
  private String head;

  public GitSpecSource(ControllerConfig.Git git, Path dir, Clock clock) {
    this.git = git;
    this.dir = dir;
    this.clock = clock;
  }

  /** The head commit of the branch, fetched when the poll interval has passed. */
  @Override
  public String fingerprint() throws IOException {
    Instant now = clock.instant();
    if (head != null && lastFetch != null && now.isBefore(lastFetch.plus(poll()))) {
      return head;
    }
    lastFetch = now;
    Repository repo = repository();
    String tracking = "refs/remotes/origin/" + git.branch();
    try (Git g = new Git(repo)) {
      g.fetch()
          .setRemote(git.url())
          .setRefSpecs(new RefSpec("+refs/heads/" + git.branch() + ":" + tracking))
          .setTimeout(FETCH_TIMEOUT_SECONDS)
          .setCredentialsProvider(credentials())
          .call();
    } catch (GitAPIException | JGitInternalException e) {
      head = null;
      throw new IOException(
          "git fetch of branch " + git.branch() + " from " + git.url() + " failed: " + reason(e));
    }
    ObjectId id = repo.resolve(tracking);
    if (id == null) {
      head = null;
      throw new IOException("branch " + git.branch() + " not found in " + git.url());
    }
    head = id.name();
    return head;
  }

  @Override
  public String commit(String fingerprint) {
    return fingerprint;
  }

  @Override
  public LoadResult load() {
    String commit = head;
    if (commit == null) {
      return failed("no commit fetched yet");
    }
    Path checkout = dir.resolve("checkout");
    List<SpecProblem> problems = new ArrayList<>();
    try {
      deleteTree(checkout);
      Files.createDirectories(checkout);
      extract(commit, checkout, problems);
    } catch (IOException e) {
      return failed("commit " + commit + " cannot be checked out: " + e.getMessage());
    }
    LoadResult loaded = SpecLoader.load(List.of(checkout));
    for (SpecProblem p : loaded.problems()) {
      problems.add(
          new SpecProblem(relative(checkout, p.file()), p.line(), p.column(), p.message()));
    }
    return problems.isEmpty() ? loaded : new LoadResult(null, problems);
  }

  private void extract(String commit, Path checkout, List<SpecProblem> problems)
      throws IOException {
    Repository repo = repository();
    try (RevWalk rw = new RevWalk(repo);
        TreeWalk tw = new TreeWalk(repo)) {
      RevCommit c = rw.parseCommit(ObjectId.fromString(commit));
      tw.addTree(c.getTree());
      tw.setRecursive(true);
      while (tw.next()) {
        String path = tw.getPathString();
        FileMode mode = tw.getFileMode(0);
        boolean regular = mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE;
        if (!regular || !isSpec(path) || hidden(path)) {
          continue;
        }
        ObjectLoader blob = repo.open(tw.getObjectId(0));
        if (blob.getSize() > MAX_BYTES) {
          problems.add(
              new SpecProblem(
                  path,
                  1,
                  1,
                  "file is " + blob.getSize() + " bytes, over the 1 MiB limit for specs"));
          continue;
        }
        Path out = checkout.resolve(path).normalize();
        if (!out.startsWith(checkout)) {
          continue;
        }
        Files.createDirectories(out.getParent());
        Files.write(out, blob.getBytes());
      }
    }
  }

  private Repository repository() throws IOException {
    if (repository == null) {
      Path bare = dir.resolve("repository.git");
      Files.createDirectories(dir);
      try {
        repository =
            Files.isDirectory(bare.resolve("objects"))
                ? Git.open(bare.toFile()).getRepository()
                : Git.init().setBare(true).setDirectory(bare.toFile()).call().getRepository();
      } catch (GitAPIException e) {
        throw new IOException("cannot create a repository in " + bare + ": " + e.getMessage());
      }
    }
    return repository;
  }

  private CredentialsProvider credentials() {
    if (git.credentials() == null) {
      return null;
    }
    String v = git.credentials().value();
    int colon = v.indexOf(':');
    return new UsernamePasswordCredentialsProvider(v.substring(0, colon), v.substring(colon + 1));
  }

  private Duration poll() {
    return git.pollInterval();
  }

  private static String reason(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
  }

  private static String relative(Path checkout, String file) {
    Path p = Path.of(file);
    if (!p.startsWith(checkout)) {
      return file;
    }
    String rel = checkout.relativize(p).toString();
    return rel.isEmpty() ? "(repository root)" : rel;
  }

  private static boolean isSpec(String path) {
    return path.endsWith(".yaml") || path.endsWith(".yml");
  }

  private static boolean hidden(String path) {
    for (String part : path.split("/")) {
      if (part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private LoadResult failed(String message) {
    return new LoadResult(null, List.of(new SpecProblem(git.url(), 0, 0, message)));
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
