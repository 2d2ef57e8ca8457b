package dev.migrator.activities;

import dev.migrator.model.Endpoint;
import dev.migrator.model.TrafficSwitch;

/** What the traffic switch moves: from the source to the target, by the request's hook. */
public class TrafficInput {
  public String migrationId;
  public Endpoint source;
  public Endpoint target;
  public TrafficSwitch trafficSwitch;
}
