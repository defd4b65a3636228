// Java-client scenario steps for the capture scripts (operations kazoo lacks:
// createContainer, createTTL, getEphemerals, getAllChildrenNumber, addWatch,
// removeWatches/checkWatches, multiRead, whoAmI, and the real client's
// setWatches/setWatches2 on reconnect).
//
// Usage: java -cp <classes>:<zookeeper jars> Ops <scenario> <transcript.jsonl> [hosts]
// Appends one JSON line per client action to the transcript.  Coordination
// with the Python driver: prints tokens (READY, DISCONNECTED, ...) on stdout
// and reads commands (GO) from stdin.

import java.io.BufferedReader;
import java.io.FileWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Stat;

public class Ops {
    static String transcript;
    static final BufferedReader STDIN = new BufferedReader(new InputStreamReader(System.in));

    // ------------------------------------------------------------ JSON
    static String json(Object o) {
        if (o == null) return "null";
        if (o instanceof String) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : ((String) o).toCharArray()) {
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    default:
                        if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                        else sb.append(c);
                }
            }
            return sb.append('"').toString();
        }
        if (o instanceof Number || o instanceof Boolean) return o.toString();
        if (o instanceof Map) {
            StringBuilder sb = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                if (!first) sb.append(", ");
                first = false;
                sb.append(json(e.getKey().toString())).append(": ").append(json(e.getValue()));
            }
            return sb.append('}').toString();
        }
        if (o instanceof List) {
            StringBuilder sb = new StringBuilder("[");
            boolean first = true;
            for (Object x : (List<?>) o) {
                if (!first) sb.append(", ");
                first = false;
                sb.append(json(x));
            }
            return sb.append(']').toString();
        }
        return json(o.toString());
    }

    static synchronized void write(Map<String, Object> rec) {
        try (FileWriter w = new FileWriter(transcript, StandardCharsets.UTF_8, true)) {
            w.write(json(rec) + "\n");
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    static Map<String, Object> m(Object... kv) {
        Map<String, Object> r = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) r.put((String) kv[i], kv[i + 1]);
        return r;
    }

    static Map<String, Object> stat(Stat s) {
        if (s == null) return null;
        return m("czxid", s.getCzxid(), "mzxid", s.getMzxid(), "ctime", s.getCtime(),
                "mtime", s.getMtime(), "version", s.getVersion(), "cversion", s.getCversion(),
                "aversion", s.getAversion(), "ephemeralOwner", s.getEphemeralOwner(),
                "dataLength", s.getDataLength(), "numChildren", s.getNumChildren(),
                "pzxid", s.getPzxid());
    }

    static List<Object> aclList(List<ACL> acl) {
        List<Object> out = new ArrayList<>();
        for (ACL a : acl) out.add(m("perms", a.getPerms(), "scheme", a.getId().getScheme(), "id", a.getId().getId()));
        return out;
    }

    static void say(String token) {
        System.out.println(token);
        System.out.flush();
    }

    static String waitLine(String expect) throws IOException {
        String line;
        while ((line = STDIN.readLine()) != null) {
            if (line.trim().equals(expect)) return line;
        }
        throw new IOException("stdin closed while waiting for " + expect);
    }

    // ------------------------------------------------------------ client
    interface Call<T> { T run() throws Exception; }

    interface Post<T> { void apply(Map<String, Object> rec, T result); }

    static class Client implements Watcher {
        final String name;
        final ZooKeeper zk;
        final LinkedBlockingQueue<Object[]> events = new LinkedBlockingQueue<>();
        final CountDownLatch connected = new CountDownLatch(1);
        volatile long sid;
        volatile Event.KeeperState lastState;

        Client(String name, String hosts, int timeoutMs) throws Exception {
            this.name = name;
            this.zk = new ZooKeeper(hosts, timeoutMs, this);
            if (!connected.await(20, TimeUnit.SECONDS)) throw new RuntimeException("connect timeout " + name);
            sid = zk.getSessionId();
            write(m("session", sid(), "op", "connect", "err", 0, "client", name,
                    "negotiated_timeout", zk.getSessionTimeout(),
                    "note", "Java client session established"));
            drain(1, 2000); // the SyncConnected state event
        }

        String sid() { return "0x" + Long.toHexString(sid); }

        @Override
        public void process(WatchedEvent e) {
            if (e.getType() == Event.EventType.None) {
                lastState = e.getState();
                if (e.getState() == Event.KeeperState.SyncConnected) connected.countDown();
            }
            events.add(new Object[] {"default", e});
        }

        Watcher named(String wname) {
            return e -> events.add(new Object[] {wname, e});
        }

        /** Record the events delivered so far; wait (bounded) for at least n. */
        int drain(int n, long timeoutMs) throws InterruptedException {
            int got = 0;
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (true) {
                long left = deadline - System.currentTimeMillis();
                Object[] ev = got < n && left > 0
                        ? events.poll(left, TimeUnit.MILLISECONDS)
                        : events.poll(got >= n ? 300 : 0, TimeUnit.MILLISECONDS);
                if (ev == null) break;
                got++;
                WatchedEvent e = (WatchedEvent) ev[1];
                Map<String, Object> rec = m("session", sid(), "op", "event",
                        "event", m("type", e.getType().getIntValue(), "state", e.getState().getIntValue(),
                                "path", e.getPath()),
                        "watcher", ev[0]);
                int t = e.getType().getIntValue();
                if (t >= 5 && t <= 7) rec.put("note", "generated locally by the Java client after the removeWatches/checkWatches reply; not on the wire");
                if (t == -1) rec.put("note", "connection state change (client-side event)");
                write(rec);
            }
            if (got < n) throw new RuntimeException(name + ": expected " + n + " events, got " + got);
            return got;
        }

        <T> T op(Map<String, Object> rec, Call<T> call, Post<T> post) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("session", sid());
            r.putAll(rec);
            T res = null;
            try {
                res = call.run();
                r.put("err", 0);
                if (post != null) post.apply(r, res);
            } catch (KeeperException e) {
                r.put("err", e.code().intValue());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            write(r);
            return res;
        }

        String create(String path, String data, List<ACL> acl, CreateMode mode) {
            String opn = mode.isContainer() ? "createContainer" : "create";
            return op(m("op", opn, "path", path, "data_len", data.length(), "mode", mode.toString()),
                    () -> zk.create(path, data.getBytes(StandardCharsets.UTF_8), acl, mode),
                    (r, p) -> r.put("created_path", p));
        }

        String create2(String path, String data, CreateMode mode, long ttl) {
            String opn = mode.isContainer() ? "createContainer" : mode.isTTL() ? "createTTL" : "create2";
            Stat st = new Stat();
            Map<String, Object> rec = m("op", opn, "path", path, "data_len", data.length(), "mode", mode.toString());
            if (mode.isTTL()) rec.put("ttl", ttl);
            return op(rec,
                    () -> zk.create(path, data.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode, st, ttl),
                    (r, p) -> { r.put("created_path", p); r.put("stat", stat(st)); });
        }

        void setData(String path, String data, int version) {
            op(m("op", "setData", "path", path, "version", version, "data_len", data.length()),
                    () -> zk.setData(path, data.getBytes(StandardCharsets.UTF_8), version),
                    (r, s) -> r.put("stat", stat(s)));
        }

        void delete(String path, int version) {
            op(m("op", "delete", "path", path, "version", version),
                    () -> { zk.delete(path, version); return null; }, null);
        }

        void getData(String path, Watcher w, String wname) {
            Stat st = new Stat();
            op(m("op", "getData", "path", path, "watch", w != null, "watcher", wname),
                    () -> zk.getData(path, w, st),
                    (r, d) -> { r.put("data_len", d == null ? -1 : d.length);
                        r.put("data", d == null ? null : new String(d, StandardCharsets.UTF_8));
                        r.put("stat", stat(st)); });
        }

        void exists(String path, Watcher w, String wname) {
            op(m("op", "exists", "path", path, "watch", w != null, "watcher", wname),
                    () -> zk.exists(path, w), (r, s) -> r.put("stat", stat(s)));
        }

        void getChildren(String path, Watcher w, String wname) {
            op(m("op", "getChildren", "path", path, "watch", w != null, "watcher", wname),
                    () -> zk.getChildren(path, w), (r, c) -> { List<String> l = new ArrayList<>(c); Collections.sort(l); r.put("children", l); });
        }

        void getChildren2(String path, Watcher w, String wname) {
            Stat st = new Stat();
            op(m("op", "getChildren2", "path", path, "watch", w != null, "watcher", wname),
                    () -> zk.getChildren(path, w, st), (r, c) -> { List<String> l = new ArrayList<>(c); Collections.sort(l);
                        r.put("children", l); r.put("stat", stat(st)); });
        }

        void addWatch(String path, Watcher w, String wname, AddWatchMode mode) {
            op(m("op", "addWatch", "path", path, "mode", mode.toString(), "mode_int", mode.getMode(), "watcher", wname),
                    () -> { zk.addWatch(path, w, mode); return null; }, null);
        }

        void removeWatches(String path, Watcher w, String wname, Watcher.WatcherType type) {
            // ZooKeeper.removeWatches(path, watcher, ...) sends OpCode.checkWatches (17)
            op(m("op", "checkWatches", "path", path, "watcher_type", type.getIntValue(), "watcher", wname,
                    "note", "ZooKeeper.removeWatches(path, watcher, type, local=false)"),
                    () -> { zk.removeWatches(path, w, type, false); return null; }, null);
        }

        void removeAllWatches(String path, Watcher.WatcherType type) {
            // ZooKeeper.removeAllWatches sends OpCode.removeWatches (18)
            op(m("op", "removeWatches", "path", path, "watcher_type", type.getIntValue(),
                    "note", "ZooKeeper.removeAllWatches(path, type, local=false)"),
                    () -> { zk.removeAllWatches(path, type, false); return null; }, null);
        }

        void getEphemerals(String prefix) {
            Map<String, Object> rec = m("op", "getEphemerals");
            if (prefix != null) rec.put("path", prefix);
            op(rec, () -> prefix == null ? zk.getEphemerals() : zk.getEphemerals(prefix),
                    (r, l) -> { List<String> c = new ArrayList<>(l); Collections.sort(c); r.put("children", c); });
        }

        void getAllChildrenNumber(String path) {
            op(m("op", "getAllChildrenNumber", "path", path),
                    () -> zk.getAllChildrenNumber(path), (r, n) -> r.put("number", n));
        }

        void whoAmI() {
            op(m("op", "whoAmI"), () -> zk.whoAmI(), (r, l) -> {
                List<Object> out = new ArrayList<>();
                for (ClientInfo ci : l) out.add(m("authScheme", ci.getAuthScheme(), "user", ci.getUser()));
                r.put("client_info", out);
            });
        }

        void addAuth(String scheme, String cred) {
            // addAuthInfo is fire-and-forget in the Java client; sync afterwards
            // so the auth reply has surely been processed.
            zk.addAuthInfo(scheme, cred.getBytes(StandardCharsets.UTF_8));
            write(m("session", sid(), "op", "auth", "scheme", scheme, "credential", cred, "err", 0,
                    "note", "Java addAuthInfo does not report the result; err assumed 0"));
        }

        void sync(String path) throws Exception {
            CountDownLatch l = new CountDownLatch(1);
            int[] rc = new int[1];
            zk.sync(path, (r, p, ctx) -> { rc[0] = r; l.countDown(); }, null);
            if (!l.await(20, TimeUnit.SECONDS)) throw new RuntimeException("sync timeout");
            write(m("session", sid(), "op", "sync", "path", path, "err", rc[0]));
        }

        List<OpResult> multi(String opName, List<Op> ops, List<Object> described) {
            Map<String, Object> rec = m("op", opName, "ops", described);
            List<OpResult> res = null;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("session", sid());
            r.putAll(rec);
            try {
                res = zk.multi(ops);
                r.put("err", 0);
                r.put("results", results(res));
            } catch (KeeperException e) {
                r.put("err", e.code().intValue());
                if (e.getResults() != null) r.put("results", results(e.getResults()));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            write(r);
            return res;
        }

        void close() throws InterruptedException {
            String s = sid();
            zk.close();
            write(m("session", s, "op", "closeSession", "err", 0));
        }
    }

    static List<Object> results(List<OpResult> res) {
        List<Object> out = new ArrayList<>();
        for (OpResult o : res) {
            Map<String, Object> r = m("type", o.getType());
            if (o instanceof OpResult.ErrorResult) r.put("err", ((OpResult.ErrorResult) o).getErr());
            else r.put("err", 0);
            if (o instanceof OpResult.CreateResult) {
                r.put("path", ((OpResult.CreateResult) o).getPath());
                r.put("stat", stat(((OpResult.CreateResult) o).getStat()));
            } else if (o instanceof OpResult.SetDataResult) {
                r.put("stat", stat(((OpResult.SetDataResult) o).getStat()));
            } else if (o instanceof OpResult.GetDataResult) {
                byte[] d = ((OpResult.GetDataResult) o).getData();
                r.put("data", d == null ? null : new String(d, StandardCharsets.UTF_8));
                r.put("stat", stat(((OpResult.GetDataResult) o).getStat()));
            } else if (o instanceof OpResult.GetChildrenResult) {
                List<String> c = new ArrayList<>(((OpResult.GetChildrenResult) o).getChildren());
                Collections.sort(c);
                r.put("children", c);
            }
            out.add(r);
        }
        return out;
    }

    static final List<ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;

    // ------------------------------------------------------------ scenarios

    /** standalone with extendedTypesEnabled=true */
    static void extended(String hosts) throws Exception {
        Client a = new Client("A", hosts, 30000);
        Client b = new Client("B", hosts, 30000);
        a.create("/ext", "ext", OPEN, CreateMode.PERSISTENT);
        a.create("/ext/container", "c", OPEN, CreateMode.CONTAINER);          // opcode 19, Create2Response
        a.create2("/ext/container2", "c2", CreateMode.CONTAINER, -1);
        a.create("/ext/container/child", "x", OPEN, CreateMode.PERSISTENT);
        a.create2("/ext/ttl", "ttl", CreateMode.PERSISTENT_WITH_TTL, 60000);
        a.create2("/ext/ttlseq-", "ttlseq", CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, 120000);
        a.create2("/ext/ttl", "dup", CreateMode.PERSISTENT_WITH_TTL, 60000);  // NodeExists
        a.create2("/ext/missing/ttl", "x", CreateMode.PERSISTENT_WITH_TTL, 60000); // NoNode
        a.create2("/ext/p2", "create2 via java", CreateMode.PERSISTENT, -1);
        a.create("/ext/eph1", "e", OPEN, CreateMode.EPHEMERAL);
        a.create("/ext/eph2", "e", OPEN, CreateMode.EPHEMERAL);
        a.create("/ext/ephseq-", "e", OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);
        b.create("/ext/eph-b", "e", OPEN, CreateMode.EPHEMERAL);
        a.getEphemerals(null);
        a.getEphemerals("/ext/eph");
        a.getEphemerals("/nothing");
        b.getEphemerals(null);
        a.getAllChildrenNumber("/ext");
        a.getAllChildrenNumber("/");
        a.getAllChildrenNumber("/ext/container/child");
        a.getAllChildrenNumber("/nonexistent");

        // persistent watch on /ext/pw (not yet existing)
        Watcher pw = a.named("persistent:/ext/pw");
        a.addWatch("/ext/pw", pw, "persistent:/ext/pw", AddWatchMode.PERSISTENT);
        b.create("/ext/pw", "1", OPEN, CreateMode.PERSISTENT);   // NodeCreated
        a.drain(1, 5000);
        b.setData("/ext/pw", "2", -1);                                  // NodeDataChanged
        a.drain(1, 5000);
        b.create("/ext/pw/c", "c", OPEN, CreateMode.PERSISTENT);  // NodeChildrenChanged
        a.drain(1, 5000);
        b.setData("/ext/pw/c", "c2", -1);                               // nothing for PERSISTENT
        a.drain(0, 500);
        b.delete("/ext/pw/c", -1);                                      // NodeChildrenChanged
        a.drain(1, 5000);
        b.delete("/ext/pw", -1);                                        // NodeDeleted
        a.drain(1, 5000);
        b.create("/ext/pw", "again", OPEN, CreateMode.PERSISTENT);     // NodeCreated again (still armed)
        a.drain(1, 5000);

        // persistent recursive watch on /ext/rw
        Watcher rw = a.named("recursive:/ext/rw");
        a.addWatch("/ext/rw", rw, "recursive:/ext/rw", AddWatchMode.PERSISTENT_RECURSIVE);
        b.create("/ext/rw", "r", OPEN, CreateMode.PERSISTENT);          // NodeCreated /ext/rw
        a.drain(1, 5000);
        b.create("/ext/rw/a", "a", OPEN, CreateMode.PERSISTENT);        // NodeCreated /ext/rw/a
        a.drain(1, 5000);
        b.create("/ext/rw/a/b", "b", OPEN, CreateMode.PERSISTENT);      // NodeCreated /ext/rw/a/b
        a.drain(1, 5000);
        b.setData("/ext/rw/a/b", "b2", -1);                               // NodeDataChanged
        a.drain(1, 5000);
        b.delete("/ext/rw/a/b", -1);                                      // NodeDeleted
        a.drain(1, 5000);
        // a plain data watch on a node below a recursive watch: both fire
        a.getData("/ext/rw/a", a.named("data:/ext/rw/a"), "data:/ext/rw/a");
        b.setData("/ext/rw/a", "a2", -1);
        a.drain(2, 5000);

        // removeWatches / checkWatches
        Watcher dw = a.named("data:/ext/p2");
        a.getData("/ext/p2", dw, "data:/ext/p2");
        a.removeWatches("/ext/p2", dw, "data:/ext/p2", Watcher.WatcherType.Data);       // checkWatches(17) -> DataWatchRemoved
        a.drain(1, 5000);
        Watcher cw = a.named("child:/ext");
        a.getChildren("/ext", cw, "child:/ext");
        a.removeAllWatches("/ext", Watcher.WatcherType.Children);                        // removeWatches(18) -> ChildWatchRemoved
        a.drain(1, 5000);
        Watcher ew = a.named("exists:/ext/later");
        a.exists("/ext/later", ew, "exists:/ext/later");
        a.removeAllWatches("/ext/later", Watcher.WatcherType.Any);
        a.drain(1, 5000);
        a.removeAllWatches("/ext/pw", Watcher.WatcherType.Any);                          // persistent watch removed
        a.drain(1, 5000);
        a.removeAllWatches("/ext/p2", Watcher.WatcherType.Data);                         // nothing left: NoWatcher
        a.drain(0, 500);
        a.removeWatches("/ext/p2", dw, "data:/ext/p2", Watcher.WatcherType.Data);        // NoWatcher
        a.drain(0, 500);
        a.removeAllWatches("/ext/nonexistent", Watcher.WatcherType.Any);                 // NoWatcher (no node)
        a.drain(0, 500);
        b.setData("/ext/p2", "after remove", -1);                                          // no event for A
        a.drain(0, 1000);

        // multiRead (OpCode 22): all read ops; per-op errors do not fail the call
        a.multi("multiRead", Arrays.asList(Op.getData("/ext/p2"), Op.getChildren("/ext/container"),
                        Op.getData("/ext/nope"), Op.getChildren("/ext/nope")),
                Arrays.asList(m("op", "getData", "path", "/ext/p2"), m("op", "getChildren", "path", "/ext/container"),
                        m("op", "getData", "path", "/ext/nope"), m("op", "getChildren", "path", "/ext/nope")));
        // multi (14) with container and TTL creates inside
        a.multi("multi", Arrays.asList(
                        Op.create("/ext/mc", new byte[0], OPEN, CreateMode.CONTAINER),
                        Op.create("/ext/mt", "t".getBytes(), OPEN, CreateMode.PERSISTENT_WITH_TTL, 30000),
                        Op.create("/ext/m2", "2".getBytes(), OPEN, CreateMode.PERSISTENT),
                        Op.check("/ext/m2", 0)),
                Arrays.asList(m("op", "createContainer", "path", "/ext/mc"), m("op", "createTTL", "path", "/ext/mt", "ttl", 30000),
                        m("op", "create", "path", "/ext/m2"), m("op", "check", "path", "/ext/m2", "version", 0)));

        // whoAmI (OpCode 107)
        a.whoAmI();
        a.addAuth("digest", "alice:alicepw");
        a.sync("/");
        a.whoAmI();
        a.addAuth("digest", "bob:bobpw");
        a.sync("/");
        a.whoAmI();
        a.getData("/ext/ttl", null, null);
        a.getChildren2("/ext", null, null);
        b.close();
        a.getEphemerals(null);
        a.close();
    }

    /** standalone WITHOUT extendedTypesEnabled */
    static void ttlDisabled(String hosts) throws Exception {
        Client a = new Client("A", hosts, 30000);
        a.create("/nottl", "x", OPEN, CreateMode.PERSISTENT);
        a.create2("/nottl/ttl", "x", CreateMode.PERSISTENT_WITH_TTL, 60000);            // Unimplemented
        a.create2("/nottl/ttlseq-", "x", CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, 60000);
        a.create2("/nottl/container", "c", CreateMode.CONTAINER, -1);                    // containers still work
        a.multi("multi", Arrays.asList(
                        Op.create("/nottl/m1", new byte[0], OPEN, CreateMode.PERSISTENT),
                        Op.create("/nottl/mt", "t".getBytes(), OPEN, CreateMode.PERSISTENT_WITH_TTL, 30000)),
                Arrays.asList(m("op", "create", "path", "/nottl/m1"), m("op", "createTTL", "path", "/nottl/mt", "ttl", 30000)));
        a.exists("/nottl/m1", null, null);
        a.getChildren2("/nottl", null, null);
        a.close();
    }

    /** Reconnect with set-watches.  Driver: READY -> (server stopped) ->
     *  DISCONNECTED -> (JVM SIGSTOPped, server restarted, changes made,
     *  SIGCONT) -> stdin GO -> RECONNECTED -> events recorded. */
    static void setWatches(String hosts) throws Exception {
        Client a = new Client("A", hosts, 30000);
        Client b = new Client("B", hosts, 30000);
        // A: only classic one-shot watches -> SetWatches (101) on reconnect
        a.getData("/sw/data", a.named("data"), "data");
        a.exists("/sw/absent", a.named("exists"), "exists");
        a.getChildren("/sw/parent", a.named("child"), "child");
        a.getData("/sw/unchanged", a.named("data-unchanged"), "data-unchanged");
        a.getData("/sw/gone", a.named("data-gone"), "data-gone");
        // B: persistent + recursive (+ a classic one) -> SetWatches2 (105)
        b.addWatch("/sw/pw", b.named("persistent"), "persistent", AddWatchMode.PERSISTENT);
        b.addWatch("/sw/rw", b.named("recursive"), "recursive", AddWatchMode.PERSISTENT_RECURSIVE);
        b.getData("/sw/data", b.named("data"), "data");
        b.exists("/sw/absent", b.named("exists"), "exists");
        b.getChildren("/sw/parent", b.named("child"), "child");
        say("READY");
        long deadline = System.currentTimeMillis() + 30000;
        while ((a.lastState != Watcher.Event.KeeperState.Disconnected
                || b.lastState != Watcher.Event.KeeperState.Disconnected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        a.drain(1, 5000);
        b.drain(1, 5000);
        say("DISCONNECTED");
        waitLine("GO");
        deadline = System.currentTimeMillis() + 30000;
        while ((a.lastState != Watcher.Event.KeeperState.SyncConnected
                || b.lastState != Watcher.Event.KeeperState.SyncConnected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        if (a.lastState != Watcher.Event.KeeperState.SyncConnected || b.lastState != Watcher.Event.KeeperState.SyncConnected)
            throw new RuntimeException("clients did not reconnect");
        write(m("session", a.sid(), "op", "setWatches", "err", 0,
                "note", "sent by the Java client itself right after the reconnect ConnectRequest (classic watches only -> OpCode 101); reply not surfaced to the application, err assumed 0",
                "relativeZxid_note", "client's last seen zxid before the outage"));
        write(m("session", b.sid(), "op", "setWatches2", "err", 0,
                "note", "sent by the Java client itself right after the reconnect (persistent watches present -> OpCode 105); reply not surfaced to the application, err assumed 0"));
        // A: SyncConnected + data(/sw/data changed) + exists(/sw/absent created) + child(/sw/parent) + data-gone (deleted)
        a.drain(5, 8000);
        // B: SyncConnected + data + exists + child + persistent(/sw/pw changed) + recursive(/sw/rw/x created)
        b.drain(6, 8000);
        say("RECONNECTED");
        // show that the re-registered persistent watches are still armed
        a.setData("/sw/pw", "after-reconnect", -1);
        a.create("/sw/rw/y", "y", OPEN, CreateMode.PERSISTENT);
        b.drain(2, 5000);
        a.setData("/sw/unchanged", "now changed", -1);   // A's one-shot data watch on it survived the reconnect
        a.drain(1, 5000);
        a.close();
        b.close();
    }

    /** Session expiry seen by the Java client: the driver SIGSTOPs the JVM
     *  longer than the session timeout, then SIGCONTs and writes GO. */
    static void expiry(String hosts) throws Exception {
        Client a = new Client("A", hosts, 4000);
        a.create("/expiry-java-eph", "e", OPEN, CreateMode.EPHEMERAL);
        a.exists("/expiry-java-eph", a.named("exists"), "exists");
        say("READY");
        waitLine("GO");
        long deadline = System.currentTimeMillis() + 30000;
        while (a.lastState != Watcher.Event.KeeperState.Expired && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        a.drain(2, 5000); // Disconnected, Expired (state events)
        Stat st = new Stat();
        Map<String, Object> r = m("session", a.sid(), "op", "getData", "path", "/expiry-java-eph",
                "note", "after expiry: the Java client fails locally, nothing is sent");
        try {
            a.zk.getData("/expiry-java-eph", false, st);
            r.put("err", 0);
        } catch (KeeperException e) {
            r.put("err", e.code().intValue());
        }
        write(r);
        a.zk.close();
        write(m("session", a.sid(), "op", "closeSession", "err", 0, "note", "close() on an expired handle sends nothing"));
    }

    /** A client that writes through whatever server it is connected to. */
    static void ensembleJava(String hosts) throws Exception {
        Client a = new Client("A", hosts, 30000);
        a.create("/java-through-" + hosts.replace(':', '_').replace(',', '_'), "j", OPEN, CreateMode.PERSISTENT);
        a.sync("/");
        a.getEphemerals(null);
        a.whoAmI();
        a.close();
    }

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        transcript = args[1];
        String hosts = args.length > 2 ? args[2] : "127.0.0.1:2181";
        switch (scenario) {
            case "extended": extended(hosts); break;
            case "ttl_disabled": ttlDisabled(hosts); break;
            case "setwatches": setWatches(hosts); break;
            case "expiry": expiry(hosts); break;
            case "ensemble": ensembleJava(hosts); break;
            default: throw new IllegalArgumentException(scenario);
        }
        say("DONE");
        System.exit(0);
    }
}
