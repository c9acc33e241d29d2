package dev.warden.cli.reliability.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One request the broker fuzzer sends: who sends it, the method, the request target (path and
 * query, exactly as sent), extra headers and the body.
 *
 * <p>In the corpus it is a small text file: a first line {@code IDENTITY METHOD TARGET}, one {@code
 * Name: value} line per header, an empty line, then the body's bytes unchanged. {@code Host} and
 * {@code Content-Length} are added when sending.
 *
 * @param identity one of {@link BrokerApiTarget#IDENTITIES}
 * @param chunked whether the body is sent with chunked transfer encoding instead of a length
 */
record HttpInput(
    String identity,
    String method,
    String target,
    List<String> headers,
    byte[] body,
    boolean chunked) {

  HttpInput {
    headers = List.copyOf(headers);
  }

  /** The bytes on the wire, for a server on {@code port}. */
  byte[] wire(int port) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 256);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1:").append(port).append("\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    if (chunked) {
      head.append("Transfer-Encoding: chunked\r\n");
    } else if (body.length > 0 || method.equals("POST")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (chunked) {
      for (int at = 0; at < body.length; at += 4096) {
        int size = Math.min(4096, body.length - at);
        out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, at, size);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    } else {
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** The corpus file's bytes. */
  byte[] toCorpus() {
    StringBuilder head = new StringBuilder();
    head.append(identity).append(' ').append(method).append(' ').append(target).append('\n');
    for (String header : headers) {
      head.append(header).append('\n');
    }
    if (chunked) {
      head.append("Transfer-Encoding: chunked\n");
    }
    head.append('\n');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /**
   * Reads a corpus file.
   *
   * @throws IllegalArgumentException when it is not in the corpus format
   */
  static HttpInput fromCorpus(byte[] file) {
    int end = -1;
    for (int i = 0; i + 1 < file.length; i++) {
      if (file[i] == '\n' && file[i + 1] == '\n') {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw new IllegalArgumentException("no empty line after the request line and headers");
    }
    String[] lines = new String(file, 0, end, StandardCharsets.ISO_8859_1).split("\n");
    String[] request = lines[0].split(" ", 3);
    if (request.length != 3) {
      throw new IllegalArgumentException(
          "the first line is not IDENTITY METHOD TARGET: " + lines[0]);
    }
    List<String> headers = new ArrayList<>();
    boolean chunked = false;
    for (String header : Arrays.asList(lines).subList(1, lines.length)) {
      if (header.equalsIgnoreCase("Transfer-Encoding: chunked")) {
        chunked = true;
      } else {
        headers.add(header);
      }
    }
    byte[] body = Arrays.copyOfRange(file, end + 2, file.length);
    return new HttpInput(request[0], request[1], request[2], headers, body, chunked);
  }

  @Override
  public String toString() {
    return identity
        + " "
        + method
        + " "
        + target
        + " "
        + headers
        + (chunked ? " chunked" : "")
        + " body: "
        + FuzzRun.excerpt(body);
  }
}
