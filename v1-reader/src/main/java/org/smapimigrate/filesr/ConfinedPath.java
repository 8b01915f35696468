package org.smapimigrate.filesr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A relative name (a parent locator, a journal value) resolved inside one SR directory the way
 * the kernel resolves a path, one component at a time, but without ever looking outside: each
 * component is {@code lstat}ed inside the directory, a symbolic link is read (the link itself
 * lies inside) and its target resolved by the same rules, and the walk stops at the first
 * component that would leave. {@link Path#toRealPath()} or a plain {@code stat} would already
 * touch the file a link points to, and bytes from a disk must not make the reader look there.
 */
final class ConfinedPath {
    /** Linux gives up after 40 links ({@code MAXSYMLINKS}); so do we. */
    static final int MAX_LINKS = 40;

    /** Where a name leads. */
    enum Outcome {
        /** {@link Result#path} is the file's path inside the root, free of links. */
        INSIDE,
        /** Resolving it would leave the root (an absolute name, {@code ..} above the root, a link out). */
        ESCAPES,
        /** Some component does not exist (or is not a directory where one is needed). */
        MISSING,
        /** Not a usable name: empty, NUL or other control bytes, a link loop. */
        INVALID
    }

    /** @param detail why, for ESCAPES, MISSING and INVALID */
    record Result(Outcome outcome, Path path, String detail) {
    }

    private ConfinedPath() {
    }

    /**
     * Resolves {@code name} from {@code from}, a directory inside {@code root} (both real paths).
     * Nothing outside {@code root} is examined.
     */
    static Result resolve(Path root, Path from, String name) {
        if (name == null || name.isEmpty()) {
            return new Result(Outcome.INVALID, null, "empty name");
        }
        if (hasControlCharacters(name)) {
            return new Result(Outcome.INVALID, null, "the name holds control characters or NUL");
        }
        if (name.startsWith("/")) {
            return new Result(Outcome.ESCAPES, null, "an absolute path");
        }
        if (!from.startsWith(root)) {
            return new Result(Outcome.ESCAPES, null, "starts outside the SR directory");
        }
        Deque<String> todo = new ArrayDeque<>();
        push(todo, name);
        for (int i = from.getNameCount() - 1; i >= root.getNameCount(); i--) {
            todo.push(from.getName(i).toString());
        }
        Path cur = root;
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (cur.equals(root)) {
                    return new Result(Outcome.ESCAPES, null, "'..' leads above the SR directory");
                }
                cur = cur.getParent();
                continue;
            }
            Path next;
            try {
                next = cur.resolve(c);
            } catch (InvalidPathException e) {
                return new Result(Outcome.INVALID, null, "not a path component: " + e.getReason());
            }
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(next, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return new Result(Outcome.MISSING, null, "no such file");
            } catch (IOException e) {
                return new Result(Outcome.MISSING, null, "cannot look at it: " + e.getMessage());
            }
            if (a.isSymbolicLink()) {
                if (++links > MAX_LINKS) {
                    return new Result(Outcome.INVALID, null, "more than " + MAX_LINKS + " symbolic links (a loop)");
                }
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    return new Result(Outcome.MISSING, null, "cannot read the link: " + e.getMessage());
                }
                if (target.startsWith("/")) {
                    Path abs = Path.of(target).normalize();
                    if (!abs.startsWith(root)) {
                        return new Result(Outcome.ESCAPES, null, "a symbolic link to " + target);
                    }
                    // Lexically inside: walk it again from the root, component by component.
                    cur = root;
                    push(todo, root.relativize(abs).toString());
                } else {
                    push(todo, target);
                }
                continue;
            }
            if (!todo.isEmpty() && !a.isDirectory()) {
                return new Result(Outcome.MISSING, null, next.getFileName() + " is not a directory");
            }
            cur = next;
        }
        return new Result(Outcome.INSIDE, cur, null);
    }

    /** Pushes the components of {@code path} so that its first component is popped first. */
    private static void push(Deque<String> todo, String path) {
        List<String> parts = List.of(path.split("/", -1));
        for (int i = parts.size() - 1; i >= 0; i--) {
            todo.push(parts.get(i));
        }
    }

    /** C0 controls (NUL included), DEL and C1 controls: never part of a name SM writes. */
    static boolean hasControlCharacters(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                return true;
            }
        }
        return false;
    }
}
