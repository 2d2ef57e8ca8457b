package dev.migrator.workflow;

import dev.migrator.model.AccountsOptions;
import dev.migrator.model.Endpoint;
import dev.migrator.model.FreezeMethod;
import dev.migrator.model.MigrationRequest;
import dev.migrator.model.SchemaOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Step 0: checks a request without side effects. Pure and deterministic, so the CLI runs the same
 * checks before it starts a workflow and the workflow runs them again.
 */
public final class RequestValidator {
  private static final Pattern CREDENTIAL_REF = Pattern.compile("^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+|secret:.+)$");
  private static final Pattern IDENTIFIER = Pattern.compile("^[^\\x00/\\\\.]{1,64}$");
  public static final List<String> FLAVORS = List.of("mysql", "rds-mysql", "aurora-mysql");

  private RequestValidator() {}

  /** Returns every problem found, each naming the field and how to fix it; empty when valid. */
  public static List<String> problems(MigrationRequest r) {
    List<String> p = new ArrayList<>();
    if (r == null) {
      p.add("the request is empty: send a MigrationRequest JSON object (see README, 'Start from the Web UI')");
      return p;
    }
    if (!r.inputProblems.isEmpty()) {
      // Fields that could not be read: checking the rest would report their defaults as mistakes.
      p.addAll(r.inputProblems);
      return p;
    }
    endpoint(p, "source", r.source);
    endpoint(p, "target", r.target);
    if (r.source != null && r.target != null
        && r.source.host != null && r.source.host.equals(r.target.host) && r.source.port == r.target.port) {
      p.add("source and target are the same server (" + r.source.address() + "): point target at another server");
    }
    if (r.method == null || !FreezeMethod.ALL.contains(r.method)) {
      p.add("method '" + r.method + "' is unknown: use one of " + FreezeMethod.ALL);
    } else if (FreezeMethod.STOPPED_REPLICA.equals(r.method)) {
      if (r.frozenReplica == null) {
        p.add("method stopped-replica needs frozenReplica: the endpoint of an existing replica of the source"
            + " (host, port, user, password reference)");
      } else {
        endpoint(p, "frozenReplica", r.frozenReplica);
      }
    } else if (FreezeMethod.AURORA_SNAPSHOT.equals(r.method)) {
      if (r.aurora == null
          || (isBlank(r.aurora.snapshotId) && isBlank(r.aurora.sourceClusterId))) {
        p.add("method aurora-snapshot needs aurora.sourceClusterId (a snapshot is taken) or aurora.snapshotId"
            + " (an existing cluster snapshot is restored)");
      } else {
        if (isBlank(r.aurora.clusterParameterGroup)) {
          p.add("aurora.clusterParameterGroup is empty: name a cluster parameter group with binlog_format=ROW"
              + " (or set aurora.createParameterGroup to create it)");
        }
        credential(p, "aurora.password", r.aurora.password);
      }
    } else if ((FreezeMethod.CLONE.equals(r.method) || FreezeMethod.PHYSICAL_BACKUP.equals(r.method))
        && r.source != null && r.source.isRdsFamily()) {
      // physical-backup reads the source's data directory; RDS and Aurora offer no clone plugin to donate.
      p.add("method " + r.method + " needs a self-managed source (" + (FreezeMethod.CLONE.equals(r.method)
          ? "an " + r.source.flavor + " source cannot donate a clone: no clone plugin there"
          : "it reads the source's data directory, which an " + r.source.flavor + " source does not expose")
          + "): use aurora-snapshot (Aurora) or live-consistent");
    }
    if (r.schemas == null || r.schemas.isEmpty()) {
      p.add("schemas is empty: list the databases to migrate, e.g. \"schemas\": [\"shop\"]");
    } else {
      for (String s : r.schemas) {
        if (s == null || !IDENTIFIER.matcher(s).matches()) {
          p.add("schemas: '" + s + "' is not a valid database name");
        } else if (List.of("mysql", "sys", "information_schema", "performance_schema", "migrator_meta").contains(s.toLowerCase())) {
          p.add("schemas: '" + s + "' is a system schema and cannot be migrated as data");
        }
      }
    }
    if (r.tables != null) {
      for (String t : r.tables) {
        if (t == null || t.indexOf('.') <= 0 || t.endsWith(".")) {
          p.add("tables: '" + t + "' must be written schema.table");
        } else if (r.schemas != null && !r.schemas.contains(t.substring(0, t.indexOf('.')))) {
          p.add("tables: '" + t + "' is not in one of the listed schemas " + r.schemas);
        }
      }
    }
    if (r.copy == null || r.copy.chunkRows <= 0) {
      p.add("copy.chunkRows must be a positive number of rows");
    } else if (r.copy.parallelism < 0) {
      p.add("copy.parallelism must be 0 (automatic) or more");
    } else if (r.copy.chunksPerActivity < 0) {
      p.add("copy.chunksPerActivity must be 0 (automatic) or more");
    } else if (r.copy.targetChunkSeconds < 0) {
      p.add("copy.targetChunkSeconds must be 0 (fixed chunk size) or more");
    } else if (!"direct".equals(r.copy.transport) && !"staged".equals(r.copy.transport)) {
      p.add("copy.transport must be \"direct\" or \"staged\", not '" + r.copy.transport + "'");
    } else if ("staged".equals(r.copy.transport)) {
      String where = r.copy.stage == null ? null : r.copy.stage.location;
      if (where == null || where.isBlank()) {
        p.add("copy.transport \"staged\" needs copy.stage.location: an absolute directory (\"/data/stage\","
            + " \"file:///data/stage\") or an S3 prefix (\"s3://bucket/prefix\")");
      } else if (!where.startsWith("/") && !where.startsWith("file:///") && !where.matches("s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
        p.add("copy.stage.location '" + where + "' is neither an absolute directory, a file:/// URI nor s3://bucket/prefix");
      }
      if (FreezeMethod.LIVE_CONSISTENT.equals(r.method)) {
        p.add("copy.transport \"staged\" needs a frozen copy (method clone, physical-backup, stopped-replica"
            + " or aurora-snapshot): live-consistent copies inside one snapshot of the live source, in one activity");
      }
    }
    if (r.copy != null && r.copy.disableRedoLog && r.target != null && r.target.isRdsFamily()) {
      p.add("copy.disableRedoLog needs a self-managed MySQL 8.0.21+ target: an " + r.target.flavor
          + " target does not allow ALTER INSTANCE DISABLE INNODB REDO_LOG; set copy.disableRedoLog to false");
    }
    if (r.verify == null) {
      p.add("verify must be an object (or left out for the defaults)");
    } else if (r.verify.mode != null && !dev.migrator.model.VerifyOptions.MODES.contains(r.verify.mode)) {
      p.add("verify.mode must be one of " + dev.migrator.model.VerifyOptions.MODES + ", not '" + r.verify.mode
          + "': \"inline\" compares the checksums the copy took of each chunk with one read of the target,"
          + " \"full\" reads both sides again in full");
    }
    if (r.schemaOptions == null) {
      p.add("schemaOptions must be an object (or left out for the defaults)");
    } else if (!SchemaOptions.DEFINER_POLICIES.contains(r.schemaOptions.definer)) {
      p.add("schemaOptions.definer must be one of " + SchemaOptions.DEFINER_POLICIES + ", not '" + r.schemaOptions.definer + "'");
    }
    if (r.replication == null) {
      p.add("replication must be an object (or left out for the defaults)");
    } else {
      if (r.replication.user == null || r.replication.user.isBlank()) {
        p.add("replication.user is empty: name the account the target uses to read the source's binlog");
      }
      credential(p, "replication.password", r.replication.password);
      if (r.replication.pollSeconds <= 0) p.add("replication.pollSeconds must be positive");
      if (r.replication.stablePolls <= 0) p.add("replication.stablePolls must be positive");
      if (r.replication.connectRetrySeconds <= 0) p.add("replication.connectRetrySeconds must be positive");
      if (r.replication.pollsPerRun <= 0) p.add("replication.pollsPerRun must be positive");
      if (r.replication.heartbeat && (r.replication.heartbeatSchema == null || r.replication.heartbeatSchema.isBlank()
          || (r.schemas != null && r.schemas.contains(r.replication.heartbeatSchema)))) {
        p.add("replication.heartbeatSchema must name a schema of its own, not one of the migrated schemas");
      }
      if (r.replication.lagReportSeconds < 0) p.add("replication.lagReportSeconds must not be negative");
      if (r.replication.sslCaFile != null && !r.replication.sslCaFile.isBlank() && r.target != null
          && r.target.isRdsFamily()) {
        p.add("replication.sslCaFile is a path on a self-managed target; an " + r.target.flavor
            + " target uses RDS's CA material: set replication.ssl=true and leave sslCaFile out");
      }
    }
    accounts(p, r.accounts);
    if (r.cutover == null) {
      p.add("cutover must be an object (or left out for the defaults)");
    } else {
      instant(p, "cutover.notBefore", r.cutover.notBefore);
      instant(p, "cutover.notAfter", r.cutover.notAfter);
    }
    if (r.pauseBefore != null) {
      for (String b : r.pauseBefore) {
        if (java.util.Arrays.stream(dev.migrator.model.Step.values()).noneMatch(x -> x.label.equals(b))) {
          p.add("pauseBefore: '" + b + "' is not a step; use one of "
              + java.util.Arrays.stream(dev.migrator.model.Step.values()).map(x -> x.label).toList());
        }
      }
    }
    if (r.retentionHours <= 0) {
      p.add("retentionHours must be positive (hours of binlog the source must keep)");
    }
    if (!"drop".equals(r.rollbackTarget) && !"keep".equals(r.rollbackTarget)) {
      p.add("rollbackTarget '" + r.rollbackTarget + "' is unknown: use \"drop\" or \"keep\"");
    }
    if (!"pause".equals(r.onFailure) && !"rollback".equals(r.onFailure)) {
      p.add("onFailure '" + r.onFailure + "' is unknown: use \"pause\" or \"rollback\"");
    }
    return p;
  }

  /** user@host patterns: '*' and '?' are wildcards; a user part is required. */
  private static final Pattern ACCOUNT_PATTERN = Pattern.compile("^[^@\\x00]{1,80}(@[^@\\x00]{0,255})?$");

  private static void accounts(List<String> p, AccountsOptions a) {
    if (a == null) {
      p.add("accounts must be an object (or left out: accounts are then not migrated)");
      return;
    }
    if (!AccountsOptions.MODES.contains(a.mode)) {
      p.add("accounts.mode must be one of " + AccountsOptions.MODES + ", not '" + a.mode + "'");
    }
    if (!AccountsOptions.REFUSED_GRANT_POLICIES.contains(a.refusedGrants)) {
      p.add("accounts.refusedGrants must be one of " + AccountsOptions.REFUSED_GRANT_POLICIES + ", not '"
          + a.refusedGrants + "'");
    }
    if (!AccountsOptions.EXISTING_POLICIES.contains(a.existing)) {
      p.add("accounts.existing must be one of " + AccountsOptions.EXISTING_POLICIES + ", not '" + a.existing + "'");
    }
    for (String field : List.of("include", "exclude")) {
      List<String> list = field.equals("include") ? a.include : a.exclude;
      if (list == null) {
        p.add("accounts." + field + " must be a list of user@host patterns (or left out)");
        continue;
      }
      for (String pattern : list) {
        if (pattern == null || !ACCOUNT_PATTERN.matcher(pattern).matches() || pattern.startsWith("@")) {
          p.add("accounts." + field + ": '" + pattern + "' is not a user@host pattern (e.g. \"app@%\", \"app\","
              + " \"report_*@10.0.*\"; '*' and '?' are wildcards)");
        }
      }
    }
  }

  private static void endpoint(List<String> p, String name, Endpoint e) {
    if (e == null) {
      p.add(name + " is missing: give host, port, user and a password reference");
      return;
    }
    if (e.host == null || e.host.isBlank()) p.add(name + ".host is empty");
    if (e.port <= 0 || e.port > 65535) p.add(name + ".port " + e.port + " is not a TCP port (1-65535)");
    if (e.user == null || e.user.isBlank()) p.add(name + ".user is empty");
    if (e.flavor == null || !FLAVORS.contains(e.flavor)) {
      p.add(name + ".flavor '" + e.flavor + "' is unknown: use one of " + FLAVORS);
    }
    credential(p, name + ".password", e.password);
    if (e.cpus != null && e.cpus < 1) p.add(name + ".cpus must be 1 or more (or left out to detect it)");
    tls(p, name, e);
  }

  /** {@code <name>.tls} and {@code <name>.tlsCaFile}: paths only, never file contents (nothing is read here). */
  static void tls(List<String> p, String name, Endpoint e) {
    dev.migrator.model.TlsSettings t = e.tls;
    if (t == null) return;
    String f = name + ".tls.";
    if (!isBlank(t.mode) && !dev.migrator.model.TlsSettings.MODES.contains(t.mode)) {
      p.add(f + "mode '" + t.mode + "' is unknown: use one of " + dev.migrator.model.TlsSettings.MODES
          + ("disabled".equalsIgnoreCase(t.mode) ? " (there is no mode without TLS: preferred connects without it only"
              + " to a server that offers none, and says so)" : ""));
      return;
    }
    if (!isBlank(t.caFile) && !isBlank(e.tlsCaFile) && !t.caFile.equals(e.tlsCaFile)) {
      p.add(name + ".tlsCaFile and " + f + "caFile name different files: give the CA once, in " + f + "caFile");
    }
    dev.migrator.model.TlsSettings eff = e.effectiveTls();
    boolean ca = !isBlank(eff.caFile);
    if (eff.verifiesCertificate() && !ca && !t.systemCas) {
      p.add(f + "mode " + eff.mode + " needs a CA to verify the server's certificate with: set " + f + "caFile (a PEM"
          + " bundle on the worker, for RDS/Aurora the global-bundle.pem from AWS) or " + f + "systemCas=true (the"
          + " JVM's trusted CAs)");
    }
    if (ca && t.systemCas) {
      p.add(f + "caFile and " + f + "systemCas exclude each other: trust the CA file or the JVM's CAs");
    }
    if (ca && !eff.verifiesCertificate()) {
      p.add(f + "mode " + eff.mode + " does not check the certificate, so the CA " + eff.caFile + " would be ignored:"
          + " use verify-ca or verify-identity, or leave the CA out");
    }
    if (t.systemCas && !eff.verifiesCertificate()) {
      p.add(f + "systemCas is used by verify-ca and verify-identity only, not by " + eff.mode);
    }
    if (isBlank(t.certFile) != isBlank(t.keyFile)) {
      p.add(isBlank(t.keyFile)
          ? f + "certFile needs " + f + "keyFile: the client certificate's private key (PEM) on the worker"
          : f + "keyFile needs " + f + "certFile: the client certificate (PEM) the key belongs to");
    }
    if (!isBlank(t.serverName) && !dev.migrator.model.TlsSettings.VERIFY_IDENTITY.equals(eff.mode)) {
      p.add(f + "serverName is the name verify-identity checks the certificate for; with mode " + eff.mode
          + " no name is checked: set mode verify-identity or leave serverName out");
    }
    if (!isBlank(t.serverName) && !t.serverName.matches("[A-Za-z0-9*]([A-Za-z0-9.:*-]{0,252})")) {
      p.add(f + "serverName '" + t.serverName + "' is not a host name or IP address");
    }
    for (String[] file : new String[][] {{"caFile", t.caFile}, {"certFile", t.certFile}, {"keyFile", t.keyFile},
        {"serverPublicKeyFile", t.serverPublicKeyFile}}) {
      if (!isBlank(file[1]) && !file[1].startsWith("/")) {
        p.add(f + file[0] + " '" + file[1] + "' must be an absolute path on the worker");
      }
    }
  }

  private static void instant(List<String> p, String field, String v) {
    if (v == null || v.isBlank()) return;
    try {
      java.time.Instant.parse(v);
    } catch (java.time.format.DateTimeParseException e) {
      p.add(field + " '" + v + "' is not an ISO-8601 instant such as 2026-11-23T02:00:00Z");
    }
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static void credential(List<String> p, String field, String ref) {
    if (ref == null || ref.isEmpty()) return;
    if (!CREDENTIAL_REF.matcher(ref).matches()) {
      // Never echo the value: it may be a literal password pasted by mistake.
      p.add(field + " must be a reference (env:VARIABLE, file:/path or secret:NAME), not a literal password;"
          + " literal passwords would be stored in workflow history");
    }
  }
}
