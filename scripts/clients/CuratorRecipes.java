// Curator recipes against a ZooKeeper server: InterProcessMutex with two
// clients, LeaderLatch with two clients, CuratorCache and TreeCache.
//
//   java -cp DIR:curator-recipes.jar:... CuratorRecipes HOST:PORT
//
// Prints `OK name` or `FAIL name: why` per check and `N passed, N failed` last;
// exits 1 if any check failed. Every wait is bounded.

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.TreeCache;
import org.apache.curator.framework.recipes.cache.TreeCacheEvent;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;

public final class CuratorRecipes {
    private static final long WAIT_SECONDS = 15;
    private static int passed = 0;
    private static int failed = 0;

    private static void check(String name, boolean ok, String why) {
        if (ok) {
            passed++;
            System.out.println("OK   " + name);
        } else {
            failed++;
            System.out.println("FAIL " + name + ": " + why);
        }
        System.out.flush();
    }

    private static CuratorFramework client(String connect) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connect)
                .sessionTimeoutMs(10_000)
                .connectionTimeoutMs(5_000)
                .retryPolicy(new RetryNTimes(3, 500))
                .build();
        client.start();
        if (!client.blockUntilConnected((int) WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no connection to " + connect + " in " + WAIT_SECONDS + "s");
        }
        return client;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: CuratorRecipes HOST:PORT");
            System.exit(2);
        }
        String root = "/curator-recipes-" + UUID.randomUUID().toString().substring(0, 8);
        CuratorFramework a = null;
        CuratorFramework b = null;
        ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable);
            thread.setDaemon(true);
            return thread;
        });
        try {
            a = client(args[0]);
            b = client(args[0]);
            check("connect two clients", true, "");
            mutex(a, b, root + "/lock", pool);
            leaderLatch(a, b, root + "/leader");
            curatorCache(a, b, root + "/cache");
            treeCache(a, b, root + "/tree");
            a.delete().deletingChildrenIfNeeded().forPath(root);
            check("cleanup", a.checkExists().forPath(root) == null, root + " still exists");
        } catch (Exception e) {
            check("no unexpected exception", false, e.toString());
            e.printStackTrace(System.out);
        } finally {
            pool.shutdownNow();
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
        }
        System.out.println("curator recipes: " + passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    // Two clients, one InterProcessMutex path: exclusion, hand-over, reentrancy.
    private static void mutex(CuratorFramework a, CuratorFramework b, String path, ExecutorService pool)
            throws Exception {
        InterProcessMutex lockA = new InterProcessMutex(a, path);
        InterProcessMutex lockB = new InterProcessMutex(b, path);
        check("mutex: first client acquires", lockA.acquire(WAIT_SECONDS, TimeUnit.SECONDS), "timed out");
        check("mutex: reentrant acquire", lockA.acquire(WAIT_SECONDS, TimeUnit.SECONDS), "timed out");
        check("mutex: second client is kept out", !lockB.acquire(1, TimeUnit.SECONDS), "acquired a held lock");
        Future<Boolean> waiting = pool.submit(() -> lockB.acquire(WAIT_SECONDS, TimeUnit.SECONDS));
        Thread.sleep(300);
        check("mutex: second client still waiting", !waiting.isDone(), "returned while the lock was held");
        lockA.release();
        Thread.sleep(300);
        check("mutex: held after one of two releases", !waiting.isDone(), "acquired after one of two releases");
        lockA.release();
        check("mutex: second client acquires after release", waiting.get(WAIT_SECONDS + 5, TimeUnit.SECONDS), "timed out");
        check("mutex: first client is kept out", !lockA.acquire(1, TimeUnit.SECONDS), "acquired a held lock");
        // acquire and release must happen on the owning thread
        pool.submit(() -> {
            lockB.release();
            return null;
        }).get(WAIT_SECONDS, TimeUnit.SECONDS);

        // Contention: 2 clients x 3 threads x 5 rounds, never two holders at once.
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        AtomicInteger rounds = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (CuratorFramework client : new CuratorFramework[] {a, b}) {
            for (int t = 0; t < 3; t++) {
                workers.add(pool.submit(() -> {
                    InterProcessMutex lock = new InterProcessMutex(client, path);
                    for (int round = 0; round < 5; round++) {
                        if (!lock.acquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("acquire timed out");
                        }
                        try {
                            if (holders.incrementAndGet() > 1) {
                                overlap.incrementAndGet();
                            }
                            Thread.sleep(5);
                            rounds.incrementAndGet();
                        } finally {
                            holders.decrementAndGet();
                            lock.release();
                        }
                    }
                    return null;
                }));
            }
        }
        String error = "";
        for (Future<?> worker : workers) {
            try {
                worker.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                error = e.toString();
            }
        }
        check("mutex: 30 contended rounds, one holder at a time",
                error.isEmpty() && rounds.get() == 30 && overlap.get() == 0,
                "rounds=" + rounds.get() + " overlaps=" + overlap.get() + " " + error);
        List<String> left = a.getChildren().forPath(path);
        check("mutex: no lock nodes left", left.isEmpty(), "left " + left);
    }

    // Two LeaderLatches: exactly one leader; closing it elects the other.
    private static void leaderLatch(CuratorFramework a, CuratorFramework b, String path) throws Exception {
        LeaderLatch latchA = new LeaderLatch(a, path, "a");
        LeaderLatch latchB = new LeaderLatch(b, path, "b");
        latchA.start();
        latchB.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!latchA.hasLeadership() && !latchB.hasLeadership() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(300);
            boolean aLeads = latchA.hasLeadership();
            boolean bLeads = latchB.hasLeadership();
            check("leader latch: exactly one leader", aLeads ^ bLeads, "a=" + aLeads + " b=" + bLeads);
            String leaderId = a.getChildren().forPath(path).isEmpty() ? "" : latchA.getLeader().getId();
            check("leader latch: both agree on the leader", leaderId.equals(latchB.getLeader().getId())
                    && leaderId.equals(aLeads ? "a" : "b"), "a sees " + leaderId + ", b sees " + latchB.getLeader().getId());
            check("leader latch: two participants", latchA.getParticipants().size() == 2,
                    "participants " + latchA.getParticipants());
            LeaderLatch leader = aLeads ? latchA : latchB;
            LeaderLatch follower = aLeads ? latchB : latchA;
            leader.close();
            boolean elected = follower.await(WAIT_SECONDS, TimeUnit.SECONDS);
            check("leader latch: the other takes over when the leader closes", elected && follower.hasLeadership(),
                    "no leadership after " + WAIT_SECONDS + "s");
            if (leader == latchA) {
                latchA = null;
            } else {
                latchB = null;
            }
        } finally {
            if (latchA != null) {
                latchA.close();
            }
            if (latchB != null) {
                latchB.close();
            }
        }
    }

    // CuratorCache (persistent recursive watch, addWatch) on one client sees the other's changes.
    private static void curatorCache(CuratorFramework a, CuratorFramework b, String path) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CountDownLatch initialized = new CountDownLatch(1);
        b.create().creatingParentsIfNeeded().forPath(path + "/before", "0".getBytes());
        try (CuratorCache cache = CuratorCache.build(a, path)) {
            cache.listenable().addListener(CuratorCacheListener.builder()
                    .forCreates(node -> events.add("create " + node.getPath() + " " + new String(node.getData())))
                    .forChanges((before, after) -> events.add("change " + after.getPath() + " " + new String(after.getData())))
                    .forDeletes(node -> events.add("delete " + node.getPath()))
                    .forInitialized(initialized::countDown)
                    .build());
            cache.start();
            check("curator cache: initialized", initialized.await(WAIT_SECONDS, TimeUnit.SECONDS), "timed out");
            check("curator cache: holds the existing nodes",
                    cache.get(path + "/before").map(node -> new String(node.getData())).orElse("").equals("0"),
                    "no " + path + "/before");
            events.clear();
            b.create().forPath(path + "/x", "1".getBytes());
            expectEvent(events, "curator cache: create", "create " + path + "/x 1");
            b.create().forPath(path + "/x/deep", "d".getBytes());
            expectEvent(events, "curator cache: create two levels down", "create " + path + "/x/deep d");
            b.setData().forPath(path + "/x", "2".getBytes());
            expectEvent(events, "curator cache: change", "change " + path + "/x 2");
            b.delete().forPath(path + "/x/deep");
            expectEvent(events, "curator cache: delete", "delete " + path + "/x/deep");
            check("curator cache: view matches", cache.size() == 3 && !cache.get(path + "/x/deep").isPresent(),
                    "size " + cache.size());
        }
    }

    // TreeCache (ordinary watches, reset on each event) sees the other client's changes.
    @SuppressWarnings("deprecation") // TreeCache: deprecated for CuratorCache in Curator 5, still shipped
    private static void treeCache(CuratorFramework a, CuratorFramework b, String path) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CountDownLatch initialized = new CountDownLatch(1);
        b.create().creatingParentsIfNeeded().forPath(path, "root".getBytes());
        try (TreeCache cache = TreeCache.newBuilder(a, path).build()) {
            cache.getListenable().addListener((client, event) -> {
                if (event.getType() == TreeCacheEvent.Type.INITIALIZED) {
                    initialized.countDown();
                } else if (event.getData() != null) {
                    byte[] data = event.getData().getData();
                    events.add(event.getType() + " " + event.getData().getPath()
                            + (data == null || event.getType() == TreeCacheEvent.Type.NODE_REMOVED ? "" : " " + new String(data)));
                }
            });
            cache.start();
            check("tree cache: initialized", initialized.await(WAIT_SECONDS, TimeUnit.SECONDS), "timed out");
            events.clear();
            b.create().forPath(path + "/y", "1".getBytes());
            expectEvent(events, "tree cache: add", "NODE_ADDED " + path + "/y 1");
            b.setData().forPath(path + "/y", "2".getBytes());
            expectEvent(events, "tree cache: update", "NODE_UPDATED " + path + "/y 2");
            b.create().withMode(CreateMode.EPHEMERAL).forPath(path + "/y/e", "e".getBytes());
            expectEvent(events, "tree cache: add ephemeral child", "NODE_ADDED " + path + "/y/e e");
            b.delete().forPath(path + "/y/e");
            expectEvent(events, "tree cache: remove", "NODE_REMOVED " + path + "/y/e");
            check("tree cache: view matches",
                    cache.getCurrentChildren(path + "/y") != null && cache.getCurrentChildren(path + "/y").isEmpty()
                            && "2".equals(new String(cache.getCurrentData(path + "/y").getData())),
                    "children " + cache.getCurrentChildren(path + "/y"));
        }
    }

    private static void expectEvent(BlockingQueue<String> events, String name, String expected)
            throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (true) {
            long remaining = deadline - System.nanoTime();
            String event = remaining > 0 ? events.poll(remaining, TimeUnit.NANOSECONDS) : null;
            if (event == null) {
                check(name, false, "no \"" + expected + "\" in " + WAIT_SECONDS + "s; saw " + seen);
                return;
            }
            if (event.equals(expected)) {
                check(name, true, "");
                return;
            }
            seen.add(event);
        }
    }
}
