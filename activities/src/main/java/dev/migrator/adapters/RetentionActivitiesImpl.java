package dev.migrator.adapters;

import dev.migrator.activities.RetentionActivities;
import dev.migrator.activities.RetentionInput;
import dev.migrator.dialect.BinlogRetention;
import dev.migrator.dialect.Dialect;
import dev.migrator.model.RetentionChange;
import dev.migrator.mysql.Connector;
import dev.migrator.mysql.Sessions;
import io.temporal.activity.Activity;

/**
 * Step 2, a thin adapter over {@link BinlogRetention}. RDS/Aurora sources: raise 'binlog
 * retention hours' through mysql.rds_set_configuration and put the previous value back
 * afterwards. Self-managed sources: read the dialect's retention variables and warn when too
 * short (changing a server's purge policy is left to its owner).
 */
public class RetentionActivitiesImpl implements RetentionActivities {
  private final Sessions sessions;

  public RetentionActivitiesImpl(Connector connector) {
    this.sessions = new Sessions(connector);
  }

  @Override
  public RetentionChange readRetention(RetentionInput r) {
    return sessions.on("source", r.source, src -> {
      RetentionChange c = new RetentionChange();
      Dialect d = src.dialect();
      if (d.isManaged()) {
        c.previousHours = BinlogRetention.rdsHours(src.connection(), d);
      } else {
        c.effectiveSeconds = BinlogRetention.effectiveSeconds(src.connection(), d);
      }
      return c;
    });
  }

  @Override
  public RetentionChange ensureRetention(RetentionInput r, RetentionChange before) {
    return sessions.on("source", r.source, src -> {
      RetentionChange c = new RetentionChange();
      c.previousHours = before.previousHours;
      c.newHours = r.retentionHours;
      Dialect d = src.dialect();
      if (d.isManaged()) {
        if (before.previousHours == null || before.previousHours < r.retentionHours) {
          src.run(d.setRetentionHours(r.retentionHours));
          c.changed = true;
          c.note = "binlog retention hours raised from " + before.previousHours + " to " + r.retentionHours;
        } else {
          c.note = "binlog retention hours already " + before.previousHours;
        }
        return c;
      }
      long secs = BinlogRetention.effectiveSeconds(src.connection(), d);
      c.effectiveSeconds = secs;
      if (secs != 0 && secs < r.retentionHours * 3600L) {
        c.note = "source purges binlogs after " + secs / 3600 + " h, less than the " + r.retentionHours
            + " h this migration needs: raise " + String.join(" (or ", d.retentionVariables())
            + (d.retentionVariables().size() > 1 ? ")" : "");
        Activity.getExecutionContext().heartbeat(c.note);
      } else {
        c.note = secs == 0 ? "source never purges binlogs automatically" : "source keeps binlogs " + secs / 3600 + " h";
      }
      return c;
    });
  }

  @Override
  public void restoreRetention(RetentionInput r, RetentionChange before) {
    if (before == null || !r.source.isRdsFamily()) return; // nothing was changed on self-managed sources
    sessions.run("source", r.source, src -> src.run(src.dialect().setRetentionHours(before.previousHours)));
  }
}
