package dev.migrator.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of the {@code aurora-snapshot} freeze method. The temporary cluster's name is derived
 * from the migration id ({@code migrator-<id>-frz}, writer {@code migrator-<id>-frz-w}) and tagged {@code migrator:migration-id}, so
 * the release finds it even if the freeze never returned.
 */
public class AuroraSnapshotOptions {
  /** AWS region of the source cluster; defaults to the worker's AWS_REGION. */
  public String region;
  /** Source Aurora cluster identifier (needed when {@link #snapshotId} is not given). */
  public String sourceClusterId;
  /**
   * Existing cluster snapshot to restore. When empty, the freeze creates one named
   * {@code migrator-<id>-frz-snap} and the release deletes it again.
   */
  public String snapshotId;
  /** Cluster parameter group of the temporary cluster; it must have binlog_format=ROW. */
  public String clusterParameterGroup;
  /** Create {@link #clusterParameterGroup} (with binlog_format=ROW) if it does not exist. */
  public boolean createParameterGroup = false;
  /** Family of a parameter group created here, e.g. aurora-mysql8.0. */
  public String parameterGroupFamily = "aurora-mysql8.0";
  /** Engine of the restored cluster. */
  public String engine = "aurora-mysql";
  /** Engine version of the restored cluster; empty means the snapshot's. */
  public String engineVersion;
  /** Instance class of the temporary writer. */
  public String instanceClass = "db.r6g.large";
  public String dbSubnetGroup;
  public List<String> vpcSecurityGroupIds = new ArrayList<>();
  /** User of the restored cluster (the source's master user; the password is the source's). */
  public String user;
  /** Credential reference of that user's password; defaults to source.password. */
  public String password;
  /** Longest wait for the cluster and instance to become available, in minutes. */
  public int waitMinutes = 90;
}
