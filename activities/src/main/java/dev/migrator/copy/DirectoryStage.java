package dev.migrator.copy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A stage in a directory: local to one worker host (dump and load on the same host), or shared
 * between hosts (NFS, EFS, ...). A file is written under a temporary name in its own directory,
 * flushed to disk, then renamed over its final name (atomic within one file system), so a reader
 * sees the old file, the new one or none, never a part. Directories are created as needed.
 */
public final class DirectoryStage implements Stage {
  private final Path root;

  DirectoryStage(Path root) {
    this.root = root.normalize();
  }

  /** From an absolute path or a file:/// URI. */
  static DirectoryStage of(String location) throws StageException {
    Path p;
    try {
      p = location.regionMatches(true, 0, "file:", 0, 5) ? Path.of(new URI(location)) : Path.of(location);
    } catch (URISyntaxException | IllegalArgumentException e) { // InvalidPathException too
      throw new StageException(StageException.Kind.UNUSABLE, "copy.stage.location '" + location + "' is not a usable"
          + " directory (" + e.getMessage() + "): write an absolute path (/data/stage) or file:///data/stage", e);
    }
    if (!p.isAbsolute()) {
      throw new StageException(StageException.Kind.UNUSABLE, "copy.stage.location '" + location + "' is a relative"
          + " path: use an absolute one (/data/stage), the same for the dump and the load workers");
    }
    return new DirectoryStage(p);
  }

  public Path root() {
    return root;
  }

  /** The path of {@code name}, which must stay inside the stage. */
  Path path(String name) {
    Path p = root.resolve(name).normalize();
    if (!p.startsWith(root) || p.equals(root)) throw new IllegalArgumentException("not a stage file name: " + name);
    return p;
  }

  @Override
  public <E extends Exception> void write(String name, Content<E> content) throws IOException, E {
    Path target = path(name);
    Path dir = target.getParent();
    Path tmp;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    } catch (IOException e) {
      throw explain(dir, e);
    }
    boolean done = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        content.writeTo(out);
        out.flush();
        ch.force(true); // on disk before the rename makes it visible
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      done = true;
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the temporary name is never read; deleteAll removes it with the migration's files
        }
      }
    }
  }

  @Override
  public InputStream open(String name) throws IOException {
    Path p = path(name);
    try {
      return Files.newInputStream(p);
    } catch (AccessDeniedException e) {
      throw new StageException(StageException.Kind.UNUSABLE, p + " is not readable by the worker's user '"
          + System.getProperty("user.name") + "': give the loading workers read access to copy.stage.location", e);
    }
  }

  @Override
  public boolean exists(String name) {
    return Files.isRegularFile(path(name));
  }

  @Override
  public void delete(String name) throws IOException {
    Path p = path(name);
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw explain(p.getParent(), e);
    }
  }

  @Override
  public long deleteAll(String dir) throws IOException {
    Path d = path(dir);
    if (!Files.exists(d)) return 0;
    long[] files = new long[1];
    try {
      Files.walkFileTree(d, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (Files.deleteIfExists(file)) files[0]++;
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
          if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE; // deleted meanwhile
          throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path x, IOException e) throws IOException {
          if (e != null && !(e instanceof NoSuchFileException)) throw e;
          Files.deleteIfExists(x);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw explain(d, e);
    }
    return files[0];
  }

  @Override
  public String describe(String name) {
    return root.resolve(name).toString();
  }

  @Override
  public String toString() {
    return root.toString();
  }

  /**
   * Turns a failure to create or change something in {@code dir} into advice when the location is
   * unusable as configured: a path component that is not a directory, no write permission, a
   * read-only file system. Anything else (a full disk, an NFS hiccup) is returned as it is.
   */
  private IOException explain(Path dir, IOException e) {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    if (existing != null && !Files.isDirectory(existing)) {
      return new StageException(StageException.Kind.UNUSABLE, "stage location " + root
          + (existing.equals(root) ? "" : ": " + existing) + " is not a directory; set copy.stage.location to a"
          + " directory (it is created if missing)", e);
    }
    String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : "";
    if (reason.contains("Read-only file system")) {
      return new StageException(StageException.Kind.UNUSABLE, "stage location " + root + " is on a read-only file"
          + " system: mount it read-write, or set copy.stage.location to a writable directory", e);
    }
    if (e instanceof AccessDeniedException || (existing != null && !Files.isWritable(existing))) {
      return new StageException(StageException.Kind.UNUSABLE, "stage location " + root + ": the worker's user '"
          + System.getProperty("user.name") + "' may not write in " + (existing == null ? dir : existing)
          + "; create the directory and give that user write access, or set copy.stage.location to one it may write", e);
    }
    return e;
  }
}
