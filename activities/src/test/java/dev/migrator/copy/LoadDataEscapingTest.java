package dev.migrator.copy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The run-copying escaper gives byte for byte what escaping each byte gives, at any buffer size. */
class LoadDataEscapingTest {
  @Test
  void sameBytesAsOneByOneEscapingAcrossBufferBoundaries() throws Exception {
    Random rnd = new Random(18);
    for (int bufferBytes : new int[] {2, 3, 7, 64, 1 << 16}) {
      for (int n = 0; n < 300; n++) {
        byte[] v = new byte[rnd.nextInt(200)];
        for (int i = 0; i < v.length; i++) {
          // mostly plain text, sometimes the special bytes and high (UTF-8) bytes
          int k = rnd.nextInt(10);
          v[i] = k == 0 ? (byte) "\\\t\n\r\0".charAt(rnd.nextInt(5)) : k == 1 ? (byte) (0x80 + rnd.nextInt(128)) : (byte) ('a' + rnd.nextInt(26));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LoadDataFormat f = new LoadDataFormat(out, bufferBytes);
        f.escaped(v);
        f.flush();
        assertArrayEquals(reference(v), out.toByteArray(), "buffer " + bufferBytes);
      }
    }
  }

  private static byte[] reference(byte[] v) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte x : v) {
      switch (x) {
        case '\\' -> b.writeBytes(new byte[] {'\\', '\\'});
        case '\t' -> b.writeBytes(new byte[] {'\\', 't'});
        case '\n' -> b.writeBytes(new byte[] {'\\', 'n'});
        case '\r' -> b.writeBytes(new byte[] {'\\', 'r'});
        case 0 -> b.writeBytes(new byte[] {'\\', '0'});
        default -> b.write(x);
      }
    }
    return b.toByteArray();
  }
}
