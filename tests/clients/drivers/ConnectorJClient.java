// MariaDB Connector/J peer for tests/clients/drivers_test.ts: args = port user password db.
// Runs as a single-file source program: java -cp mariadb-java-client.jar ConnectorJClient.java
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

public class ConnectorJClient {
  static void show(ResultSet rs) throws SQLException {
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      StringBuilder line = new StringBuilder();
      for (int i = 1; i <= n; i++) {
        String v = rs.getString(i);
        line.append(i > 1 ? "|" : "").append(v == null ? "NULL" : v);
      }
      System.out.println(line);
    }
  }

  public static void main(String[] args) throws Exception {
    String url = "jdbc:mariadb://127.0.0.1:" + args[0] + "/" + args[3] + "?useServerPrepStmts=true";
    try (Connection c = DriverManager.getConnection(url, args[1], args[2])) {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id, name, amount FROM t WHERE id >= ? AND id < 100 ORDER BY id")) {
        for (int start : new int[] {1, 2}) {
          ps.setInt(1, start);
          try (ResultSet rs = ps.executeQuery()) {
            show(rs);
          }
          System.out.println("--");
        }
      }
      try (PreparedStatement ins =
          c.prepareStatement("INSERT INTO t (id, name, amount) VALUES (?, ?, ?)")) {
        ins.setInt(1, 103);
        ins.setString(2, "j 'q' \\ ☃");
        ins.setBigDecimal(3, new java.math.BigDecimal("1.50"));
        System.out.println("inserted " + ins.executeUpdate());
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT id, name, amount FROM t WHERE id = ?")) {
        ps.setInt(1, 103);
        try (ResultSet rs = ps.executeQuery()) {
          show(rs);
        }
      }
    }
    try (Connection bad = DriverManager.getConnection(url, args[1], args[2] + "x")) {
      System.out.println("wrong password accepted");
    } catch (SQLException e) {
      System.out.println("denied " + e.getErrorCode());
    }
  }
}
