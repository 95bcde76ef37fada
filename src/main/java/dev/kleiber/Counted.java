package dev.kleiber;

/** A count with its noun for people to read: {@code 1 task}, {@code 2 tasks}, {@code 0 tasks}. */
public final class Counted {
    private Counted() {
    }

    /** {@code noun} is the singular; the plural adds an s, which is right for every noun Kleiber counts. */
    public static String of(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun + "s");
    }
}
