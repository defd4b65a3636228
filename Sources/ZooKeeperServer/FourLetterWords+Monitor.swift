import ZooKeeperProtocol
import ZooKeeperServerCore

/// `mntr`: ZooKeeperServer.dumpMonitorValues, then every metric of the
/// default metrics provider, "zk_<key>\t<value>" per line, in the order a
/// 3.8.0 standalone server prints them. Metrics this server does not measure
/// (quorum, throttling, caches, request-processor queues, the JVM) print the
/// zero values Java prints for a counter that never moved.
extension FourLetterWords {
    static func monitor(_ server: ZooKeeperServer) -> String {
        let counters = server.counters.withLockedValue { $0 }
        let connections = server.connections.all.count
        let tree = server.state.withState { state in
            (ephemerals: state.ephemeralCount, nodes: state.tree.nodeCount, sessions: state.sessions.sessions.count,
             watches: state.totalWatchCount, size: state.approximateDataSize)
        }
        let uptime = ServerClock.now().monotonic - server.startedAt
        let latency = counters.requestLatency
        var measured: [String: String] = [
            "version": ZooKeeperVersion.string,
            "server_state": "standalone",
            "ephemerals_count": "\(tree.ephemerals)",
            "num_alive_connections": "\(connections)",
            "avg_latency": javaDouble(latency.average),
            "outstanding_requests": "0",
            "znode_count": "\(tree.nodes)",
            "global_sessions": "\(tree.sessions)",
            "last_client_response_size": "\(counters.lastResponseSize)",
            "packets_sent": "\(counters.sent)",
            "packets_received": "\(counters.received)",
            "max_client_response_size": "\(counters.maxResponseSize)",
            "connection_drop_probability": "0.0",
            "watch_count": "\(tree.watches)",
            "auth_failed_count": "\(counters.authFailed)",
            "min_latency": "\(latency.min)",
            "max_file_descriptor_count": "\(SystemInfo.maxFileDescriptors)",
            "approximate_data_size": "\(tree.size)",
            "open_file_descriptor_count": "\(SystemInfo.openFileDescriptors)",
            "local_sessions": "0",
            "uptime": "\(uptime)",
            "max_latency": "\(latency.max)",
            "min_client_response_size": "\(counters.minResponseSize)",
            "watch_bytes": "\(counters.watchBytes)",
            "bytes_received_count": "\(counters.bytesReceived)",
            "connection_request_count": "\(counters.connectionRequests)",
            "response_bytes": "\(counters.responseBytes)",
        ]
        for (name, summary) in [("readlatency", counters.readLatency), ("updatelatency", counters.updateLatency)] {
            for (key, value) in summaryValues(name, summary, percentiles: true) { measured[key] = value }
        }

        var text = ""
        func line(_ key: String, _ zero: String) { text += "zk_\(key)\t\(measured[key] ?? zero)\n" }
        for key in monitorCounters { line(key, "0") }
        for name in monitorSummaries {
            for (key, value) in summaryValues(name, LatencySummary(), percentiles: false) { line(key, value) }
        }
        for name in monitorPercentileSummaries {
            for (key, value) in summaryValues(name, LatencySummary(), percentiles: true) { line(key, value) }
        }
        return text
    }

    /// AvgMinMaxCounter.values (avg, min, max, cnt, sum) and, for
    /// AvgMinMaxPercentileCounter, p50, p95, p99 and p999.
    static func summaryValues(_ name: String, _ summary: LatencySummary, percentiles: Bool) -> [(String, String)] {
        var values = [
            ("avg_\(name)", javaDouble(summary.average)),
            ("min_\(name)", "\(summary.min)"),
            ("max_\(name)", "\(summary.max)"),
            ("cnt_\(name)", "\(summary.count)"),
            ("sum_\(name)", "\(summary.total)"),
        ]
        if percentiles {
            values += [
                ("p50_\(name)", "\(summary.percentile(0.5))"),
                ("p95_\(name)", "\(summary.percentile(0.95))"),
                ("p99_\(name)", "\(summary.percentile(0.99))"),
                ("p999_\(name)", "\(summary.percentile(0.999))"),
            ]
        }
        return values
    }

    /// Gauges and counters, in 3.8.0's printing order.
    static let monitorCounters = [
        "version", "server_state", "ephemerals_count", "num_alive_connections", "avg_latency",
        "outstanding_requests", "znode_count", "global_sessions", "non_mtls_remote_conn_count",
        "last_client_response_size", "packets_sent", "packets_received", "max_client_response_size",
        "connection_drop_probability", "watch_count", "auth_failed_count", "min_latency",
        "max_file_descriptor_count", "approximate_data_size", "open_file_descriptor_count", "local_sessions",
        "uptime", "max_latency", "outstanding_tls_handshake", "min_client_response_size",
        "non_mtls_local_conn_count", "proposal_count", "watch_bytes", "outstanding_changes_removed",
        "throttled_ops", "stale_requests_dropped", "large_requests_rejected", "insecure_admin_count",
        "connection_rejected", "cnxn_closed_without_zk_server_running", "sessionless_connections_expired",
        "looking_count", "dead_watchers_queued", "stale_requests", "connection_drop_count",
        "learner_proposal_received_count", "digest_mismatches_count", "dead_watchers_cleared",
        "response_packet_cache_hits", "bytes_received_count", "add_dead_watcher_stall_time",
        "request_throttle_wait_count", "requests_not_forwarded_to_commit_processor",
        "response_packet_cache_misses", "ensemble_auth_success", "prep_processor_request_queued",
        "learner_commit_received_count", "stale_replies", "connection_request_count", "response_bytes",
        "ensemble_auth_fail", "diff_count", "response_packet_get_children_cache_misses",
        "connection_revalidate_count", "quit_leading_due_to_disloyal_voter", "snap_count",
        "unrecoverable_error_count", "unsuccessful_handshake", "commit_count", "stale_sessions_expired",
        "response_packet_get_children_cache_hits", "sync_processor_request_queued",
        "outstanding_changes_queued", "request_commit_queued", "ensemble_auth_skip",
        "skip_learner_request_to_next_processor_count", "tls_handshake_exceeded", "revalidate_count",
    ]

    /// AvgMinMaxCounter metrics (avg/min/max/cnt/sum), in printing order.
    static let monitorSummaries = [
        "socket_closing_time", "proposal_process_time", "leader_unavailable_time", "node_created_watch_count",
        "session_queues_drained", "write_commit_proc_req_queued", "connection_token_deficit",
        "read_commit_proc_req_queued", "node_deleted_watch_count", "startup_txns_load_time",
        "sync_processor_queue_size", "follower_sync_time", "prep_processor_queue_size", "fsynctime",
        "inflight_snap_count", "reads_issued_from_session_queue", "learner_request_processor_queue_size",
        "snapshottime", "unavailable_time", "startup_txns_loaded", "reads_after_write_in_session_queue",
        "requests_in_session_queue", "write_commit_proc_issued", "prep_process_time",
        "pending_session_queue_size", "time_waiting_empty_pool_in_commit_processor_read_ms",
        "commit_process_time", "dbinittime", "inflight_diff_count", "netty_queued_buffer_capacity",
        "election_time", "commit_commit_proc_req_queued", "sync_processor_batch_size",
        "node_children_watch_count", "write_batch_time_in_commit_processor", "read_commit_proc_issued",
        "concurrent_request_processing_in_commit_processor", "observer_sync_time", "node_changed_watch_count",
        "sync_process_time", "startup_snap_load_time",
    ]

    /// AvgMinMaxPercentileCounter metrics (also p50/p95/p99/p999), in printing order.
    static let monitorPercentileSummaries = [
        "prep_processor_queue_time_ms", "jvm_pause_time_ms", "close_session_prep_time",
        "read_commitproc_time_ms", "updatelatency", "local_write_committed_time_ms",
        "request_throttle_queue_time_ms", "readlatency", "quorum_ack_latency", "om_commit_process_time_ms",
        "read_final_proc_time_ms", "commit_propagation_latency", "dead_watchers_cleaner_latency",
        "write_final_proc_time_ms", "proposal_ack_creation_latency", "proposal_latency",
        "om_proposal_process_time_ms", "sync_processor_queue_and_flush_time_ms", "propagation_latency",
        "server_write_committed_time_ms", "sync_processor_queue_time_ms", "sync_processor_queue_flush_time_ms",
        "write_commitproc_time_ms",
    ]
}
