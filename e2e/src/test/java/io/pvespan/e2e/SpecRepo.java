package io.pvespan.e2e;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The spec repository of a GitOps E2E run: a local bare repository (what the controller pulls,
 * {@code specs.git.url}) and an author's working tree, the E2E's spec directory, from which every
 * {@link #commitAndPush} pushes branch {@code main}, as an admin's merge would.
 */
final class SpecRepo implements AutoCloseable {
  static final String BRANCH = "main";

  private final Path bare;
  private final Git author;

  private SpecRepo(Path bare, Git author) {
    this.bare = bare;
    this.author = author;
  }

  /** A bare repository at {@code bare}; {@code workTree} (existing files and all) its author. */
  static SpecRepo create(Path bare, Path workTree) throws IOException {
    try {
      Git.init().setBare(true).setInitialBranch(BRANCH).setDirectory(bare.toFile()).call().close();
      Git author = Git.init().setInitialBranch(BRANCH).setDirectory(workTree.toFile()).call();
      return new SpecRepo(bare, author);
    } catch (GitAPIException e) {
      throw new IOException("cannot create the spec repository: " + e.getMessage(), e);
    }
  }

  /** What the controller is configured with: the bare repository's path. */
  String url() {
    return bare.toString();
  }

  /** Commits everything in the working tree (added, changed, deleted) and pushes it. */
  RevCommit commitAndPush(String message) throws IOException {
    try {
      author.add().addFilepattern(".").call();
      author.add().addFilepattern(".").setUpdate(true).call();
      RevCommit c =
          author
              .commit()
              .setMessage(message)
              .setAuthor("E2E", "e2e@pvespan.invalid")
              .setCommitter("E2E", "e2e@pvespan.invalid")
              .setSign(false)
              .call();
      author
          .push()
          .setRemote(bare.toUri().toString())
          .setRefSpecs(new RefSpec("refs/heads/" + BRANCH + ":refs/heads/" + BRANCH))
          .call();
      return c;
    } catch (GitAPIException e) {
      throw new IOException("cannot commit and push '" + message + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    author.close();
  }
}
