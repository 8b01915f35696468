package org.smapimigrate.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The step scheduler against a simple model: for any dependency graph (each node depending on a
 * random set of earlier ones), any number of jobs and any set of nodes finished before (closed
 * under dependencies, as a journal's is), every other node runs exactly once, only after all its
 * dependencies finished, never more than {@code jobs} at once; one job runs them in list order;
 * a failure stops everything that depends on it and nothing that was running is lost.
 */
class StepSchedulerProperties {
    record Node(String id, List<String> after) {
    }

    static List<Node> graph(long seed, int n) {
        Random r = new Random(seed);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> after = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                if (r.nextInt(4) == 0) {
                    after.add("n" + j);
                }
            }
            nodes.add(new Node("n" + i, after));
        }
        return nodes;
    }

    /** A set closed under dependencies: each node in with probability 1/3 if all its dependencies are. */
    static Set<String> finishedBefore(List<Node> nodes, long seed) {
        Random r = new Random(seed ^ 0x5eed);
        Set<String> done = new HashSet<>();
        for (Node n : nodes) {
            if (done.containsAll(n.after()) && r.nextInt(3) == 0) {
                done.add(n.id());
            }
        }
        return done;
    }

    @Property(tries = 200)
    void everyStepRunsOnceAfterItsDependenciesWithinTheJobs(@ForAll long seed, @ForAll @IntRange(min = 0, max = 24) int n,
                                                             @ForAll @IntRange(min = 1, max = 8) int jobs)
            throws Exception {
        List<Node> nodes = graph(seed, n);
        Set<String> before = finishedBefore(nodes, seed);
        Map<String, Integer> runs = new ConcurrentHashMap<>();
        Set<String> finished = ConcurrentHashMap.newKeySet();
        finished.addAll(before);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<String> order = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        new StepScheduler<Node>(nodes, Node::id, Node::after).run(before, jobs, node -> {
            int now = running.incrementAndGet();
            most.accumulateAndGet(now, Math::max);
            runs.merge(node.id(), 1, Integer::sum);
            if (!finished.containsAll(node.after())) {
                synchronized (violations) {
                    violations.add(node.id() + " started before " + node.after());
                }
            }
            Thread.sleep(new Random(seed + node.id().hashCode()).nextInt(3));
            running.decrementAndGet();
            return node.id();
        }, new StepScheduler.Callbacks<Node, String>() {
            @Override
            public void started(Node item) {
                order.add(item.id());
            }

            @Override
            public void finished(Node item, String result) {
                assertEquals(item.id(), result);
                finished.add(item.id());
            }
        });
        assertEquals(List.of(), violations);
        for (Node node : nodes) {
            assertEquals(before.contains(node.id()) ? null : 1, runs.get(node.id()), node.id());
        }
        assertTrue(most.get() <= jobs, most.get() + " at once with " + jobs + " jobs");
        if (jobs == 1) {
            List<String> planOrder = nodes.stream().map(Node::id).filter(id -> !before.contains(id)).toList();
            assertEquals(planOrder, order, "one job runs in list order");
        }
    }

    @Property(tries = 100)
    void aFailureStopsWhatDependsOnItAndFinishesWhatRuns(@ForAll long seed, @ForAll @IntRange(min = 1, max = 20) int n,
                                                         @ForAll @IntRange(min = 1, max = 6) int jobs) {
        List<Node> nodes = graph(seed, n);
        String failing = nodes.get(new Random(seed).nextInt(n)).id();
        Set<String> finished = ConcurrentHashMap.newKeySet();
        Set<String> startedSet = ConcurrentHashMap.newKeySet();
        StepScheduler.Failed f = assertThrows(StepScheduler.Failed.class, () ->
                new StepScheduler<Node>(nodes, Node::id, Node::after).run(Set.of(), jobs, node -> {
                    startedSet.add(node.id());
                    if (node.id().equals(failing)) {
                        throw new IllegalStateException("boom " + node.id());
                    }
                    return node.id();
                }, new StepScheduler.Callbacks<Node, String>() {
                    @Override
                    public void started(Node item) {
                    }

                    @Override
                    public void finished(Node item, String result) {
                        finished.add(item.id());
                    }
                }));
        assertEquals(failing, ((Node) f.item).id());
        // Whatever depends on the failed node, directly or not, never started.
        Map<String, Node> byId = new HashMap<>();
        nodes.forEach(x -> byId.put(x.id(), x));
        for (Node x : nodes) {
            if (dependsOn(x, failing, byId)) {
                assertTrue(!startedSet.contains(x.id()), x.id() + " ran after " + failing + " failed");
            }
        }
        // Every node that started, except the failed one, finished and was reported.
        Set<String> expected = new HashSet<>(startedSet);
        expected.remove(failing);
        assertEquals(expected, finished);
    }

    private static boolean dependsOn(Node x, String id, Map<String, Node> byId) {
        for (String a : x.after()) {
            if (a.equals(id) || dependsOn(byId.get(a), id, byId)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aCycleIsRefusedBeforeAnythingRuns() {
        List<Node> nodes = List.of(new Node("a", List.of("b")), new Node("b", List.of("a")), new Node("c", List.of()));
        AtomicInteger ran = new AtomicInteger();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                new StepScheduler<Node>(nodes, Node::id, Node::after).run(Set.of(), 2, node -> ran.incrementAndGet(),
                        new StepScheduler.Callbacks<Node, Integer>() {
                            @Override
                            public void started(Node item) {
                            }

                            @Override
                            public void finished(Node item, Integer result) {
                            }
                        }));
        assertTrue(e.getMessage().contains("step a waits for [b]"), e.getMessage());
        assertEquals(0, ran.get());
    }
}
