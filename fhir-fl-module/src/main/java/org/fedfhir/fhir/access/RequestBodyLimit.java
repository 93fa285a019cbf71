package org.fedfhir.fhir.access;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.fedfhir.access.HttpsConnectors;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The hospital's limit on request bodies, the same {@link HttpsConnectors#MAX_REQUEST_BYTES} as the
 * FedFHIR servers on Jetty, applied before authentication and before HAPI parses anything: a body
 * declared longer is answered 413 at once; a chunked body (no length declared) is read up to the
 * limit and answered 413 if it goes beyond, else handed on from memory.
 */
final class RequestBodyLimit extends OncePerRequestFilter {

  private final long maxBytes;

  RequestBodyLimit(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  RequestBodyLimit() {
    this(HttpsConnectors.MAX_REQUEST_BYTES);
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBytes) {
      refuse(response);
      return;
    }
    boolean chunked = declared < 0 && "chunked".equalsIgnoreCase(request.getHeader("Transfer-Encoding"));
    if (!chunked) {
      chain.doFilter(request, response); // the container reads at most the declared length
      return;
    }
    byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (body.length > maxBytes) {
      refuse(response);
      return;
    }
    chain.doFilter(new BufferedBody(request, body), response);
  }

  private void refuse(HttpServletResponse response) throws IOException {
    response.setHeader("Connection", "close");
    OperationOutcomes.write(response, 413, OperationOutcome.IssueType.TOOLONG,
        "request body longer than this server accepts (" + maxBytes + " bytes)");
  }

  /** A request whose body has been read into memory. */
  private static final class BufferedBody extends HttpServletRequestWrapper {
    private final byte[] body;

    BufferedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body is already in memory");
        }

        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
