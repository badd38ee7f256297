/// Production files for one host: the nginx site and the systemd units (`lectern deploy`).
public enum Deploy {}
