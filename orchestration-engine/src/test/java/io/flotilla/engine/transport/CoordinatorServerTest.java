package io.flotilla.engine.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.flotilla.engine.api.Federation;
import io.flotilla.engine.api.FederationBuilder;
import io.flotilla.engine.api.FederationConfig;
import io.flotilla.engine.api.FederationEvent;
import io.flotilla.engine.api.FederationState;
import io.flotilla.engine.model.ModelState;
import io.flotilla.engine.model.ParameterLayout;
import io.flotilla.engine.model.TensorSpec;
import io.flotilla.engine.transport.proto.CoordinatorGrpc;
import io.flotilla.engine.transport.proto.CoordinatorMessage;
import io.flotilla.engine.transport.proto.Encoding;
import io.flotilla.engine.transport.proto.ErrorCode;
import io.flotilla.engine.transport.proto.HealthRequest;
import io.flotilla.engine.transport.proto.HealthResponse;
import io.flotilla.engine.transport.proto.Hello;
import io.flotilla.engine.transport.proto.ParticipantMessage;
import io.flotilla.engine.transport.proto.TrainingInstruction;
import io.flotilla.engine.transport.proto.UpdateChunk;
import io.flotilla.engine.transport.proto.UpdateHeader;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coordinator server over real loopback sockets, driven by hand-built protocol messages. */
class CoordinatorServerTest {
  static final int N = 8;
  Federation federation;
  CoordinatorServer server;
  final List<FederationEvent> events = new CopyOnWriteArrayList<>();
  final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

  static ModelState initial() {
    float[] p = new float[N];
    for (int i = 0; i < N; i++) {
      p[i] = i * 0.1f;
    }
    return ModelState.of(ParameterLayout.of(new TensorSpec("w", N)), p, 0);
  }

  void start(int perRound, int rounds, TransportConfig transport) throws Exception {
    federation = new FederationBuilder().initialModel(initial())
        .config(FederationConfig.builder().name("t").perRound(perRound).minUpdates(1).rounds(rounds)
            .roundDeadline(Duration.ofSeconds(30)).build())
        .build();
    federation.subscribe(events::add);
    server = CoordinatorServer.builder(federation).config(transport).start();
  }

  RawParticipant participant(String id) throws Exception {
    RawParticipant p = new RawParticipant(server.address());
    closeables.add(p);
    p.join(id);
    // the server welcomes a participant before it hands it to the coordinator: wait for the coordinator,
    // or a start right after the welcome may find the participant missing
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> federation.snapshot()
        .get(5, java.util.concurrent.TimeUnit.SECONDS).participants().stream().anyMatch(s -> s.id().equals(id)));
    return p;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    if (server != null) {
      server.close();
    }
    if (federation != null) {
      federation.close();
    }
  }

  static byte[] raw(float value) {
    float[] d = new float[N];
    Arrays.fill(d, value);
    return PayloadCodec.encode(d, Encoding.RAW_F32);
  }

  @Test
  void replayedStaleAndForgedUpdatesAreRefusedWithTypedErrors() throws Exception {
    start(2, 1, TransportConfig.builder().build());
    RawParticipant a = participant("a");
    RawParticipant b = participant("b");
    federation.start();
    TrainingInstruction ia = a.awaitInstruction();
    TrainingInstruction ib = b.awaitInstruction();

    // a forged nonce is refused and does not use up a's slot
    RawParticipant.Outcome forged = a.upload(a.header(ia, raw(100f), N).setNonce(ia.getNonce() + 1).build(), raw(100f));
    assertThat(forged.accepted()).isFalse();
    assertThat(forged.ack().getError().getCode()).isEqualTo(ErrorCode.UPDATE_REJECTED);
    assertThat(forged.rejectReason()).isEqualTo("BAD_NONCE");
    // trained on the wrong base version
    RawParticipant.Outcome stale = a.upload(a.header(ia, raw(100f), N).setBaseVersion(ia.getBaseVersion() + 7).build(),
        raw(100f));
    assertThat(stale.rejectReason()).isEqualTo("STALE_BASE_VERSION");
    // b delivers once; the same bytes again are a duplicate
    RawParticipant.Outcome ok = b.upload(b.header(ib, raw(0.5f), N).build(), raw(0.5f));
    assertThat(ok.accepted()).isTrue();
    RawParticipant.Outcome again = b.upload(b.header(ib, raw(0.5f), N).build(), raw(0.5f));
    assertThat(again.rejectReason()).isIn("DUPLICATE", "LATE");
    // a's session token cannot carry b's update: identity is bound to the session
    RawParticipant.Outcome asOther = a.upload(a.header(ib, raw(0.5f), N).build(), raw(0.5f));
    assertThat(asOther.accepted()).isFalse();

    assertThat(federation.awaitTermination(Duration.ofSeconds(20))).isTrue();
    assertThat(federation.state()).isEqualTo(FederationState.FINISHED);
    // only b's update counted: the model moved by exactly +0.5
    ModelState g = federation.globalModel();
    for (int i = 0; i < N; i++) {
      assertThat(g.get(i)).isEqualTo(i * 0.1f + 0.5f);
    }
    RawParticipant.Outcome late = b.upload(b.header(ib, raw(0.5f), N).build(), raw(0.5f));
    assertThat(late.rejectReason()).isIn("LATE", "DUPLICATE");
    assertThat(events).filteredOn(FederationEvent.UpdateAccepted.class::isInstance).hasSize(1);
    assertThat(events).filteredOn(FederationEvent.RoundCommitted.class::isInstance)
        .singleElement().satisfies(e -> assertThat(((FederationEvent.RoundCommitted) e).contributors()).isEqualTo(1));
    double rejected = server.meterRegistry().find("flotilla.updates").tag("outcome", "rejected").counters().stream()
        .mapToDouble(c -> c.count()).sum();
    assertThat(rejected).isGreaterThanOrEqualTo(4);
  }

  @Test
  void malformedAndOversizedUploadsGetClearErrorsAndChangeNothing() throws Exception {
    start(1, 1, TransportConfig.builder().chunkBytes(4096).maxMessageBytes(8192).maxPayloadBytes(16_384).build());
    RawParticipant a = participant("a");
    federation.start();
    TrainingInstruction in = a.awaitInstruction();
    String sha = federation.globalModel().sha256();
    byte[] good = raw(0.25f);
    UpdateChunk data = UpdateChunk.newBuilder().setData(ByteString.copyFrom(good)).build();
    UpdateChunk header = UpdateChunk.newBuilder().setHeader(a.header(in, good, N)).build();

    assertThat(a.upload(List.of(data)).error().getCode()).as("no header").isEqualTo(ErrorCode.MALFORMED);
    assertThat(a.upload(List.of(header, data, data)).error().getCode()).as("too much data").isEqualTo(ErrorCode.MALFORMED);
    assertThat(a.upload(List.of(header)).error().getCode()).as("too little data").isEqualTo(ErrorCode.MALFORMED);
    assertThat(a.upload(List.of(header, header, data)).error().getCode()).as("two headers").isEqualTo(ErrorCode.MALFORMED);
    byte[] flipped = good.clone();
    flipped[5] ^= 1;
    assertThat(a.upload(a.header(in, good, N).build(), flipped).error().getCode()).isEqualTo(ErrorCode.CHECKSUM_MISMATCH);
    assertThat(a.upload(a.header(in, good, N).setPayloadBytes(1_000_000).build(), good).error().getCode())
        .isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(a.upload(a.header(in, good, N).setParameterCount(N + 1).build(), good).error().getCode())
        .as("size does not fit the encoding").isEqualTo(ErrorCode.MALFORMED);
    assertThat(a.upload(a.header(in, good, N).setEncoding(Encoding.ENCODING_UNSPECIFIED).build(), good).error().getCode())
        .isEqualTo(ErrorCode.UNSUPPORTED_ENCODING);
    assertThat(a.upload(a.header(in, good, N).setSessionToken("forged").build(), good).error().getCode())
        .isEqualTo(ErrorCode.UNAUTHENTICATED);
    // one gRPC message above the maximum message size
    UpdateChunk huge = UpdateChunk.newBuilder().setData(ByteString.copyFrom(new byte[20_000])).build();
    RawParticipant.Outcome tooBig = a.upload(List.of(header, huge));
    assertThat(tooBig.error().getCode()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    assertThat(tooBig.error().getDetail()).containsIgnoringCase("exceeds maximum");
    // bytes that are not a protobuf message at all: gRPC itself refuses the call before any handler runs
    Status garbage = sendGarbage(a);
    assertThat(garbage.getCode()).isIn(Status.Code.UNKNOWN, Status.Code.INTERNAL, Status.Code.INVALID_ARGUMENT);

    // nothing reached the federation, the model is unchanged, and the honest update still counts
    assertThat(events).noneMatch(e -> e instanceof FederationEvent.UpdateAccepted || e instanceof FederationEvent.UpdateRejected);
    assertThat(federation.globalModel().sha256()).isEqualTo(sha);
    assertThat(a.upload(a.header(in, good, N).build(), good).accepted()).isTrue();
    assertThat(server.meterRegistry().find("flotilla.transport.errors").counters()).isNotEmpty();
  }

  private Status sendGarbage(RawParticipant p) throws Exception {
    MethodDescriptor<InputStream, InputStream> raw = CoordinatorGrpc.getUploadUpdateMethod().toBuilder(
        new StreamMarshaller(), new StreamMarshaller()).build();
    ClientCall<InputStream, InputStream> call = p.channel.newCall(raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    call.request(1);
    call.sendMessage(new ByteArrayInputStream(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x01}));
    call.halfClose();
    return closed.get(10, TimeUnit.SECONDS);
  }

  static final class StreamMarshaller implements MethodDescriptor.Marshaller<InputStream> {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  }

  @Test
  void aBusyCoordinatorAnswersResourceExhaustedWithARetryHint() throws Exception {
    start(2, 1, TransportConfig.builder().maxConcurrentUploads(1).retryAfter(Duration.ofMillis(750)).build());
    RawParticipant a = participant("a");
    RawParticipant b = participant("b");
    federation.start();
    TrainingInstruction ia = a.awaitInstruction();
    TrainingInstruction ib = b.awaitInstruction();
    // a starts an upload and stalls in the middle: it holds the only upload slot
    CompletableFuture<Throwable> aDone = new CompletableFuture<>();
    io.grpc.stub.StreamObserver<UpdateChunk> stalled = a.stub.uploadUpdate(new io.grpc.stub.StreamObserver<>() {
      @Override
      public void onNext(io.flotilla.engine.transport.proto.UploadAck v) {}

      @Override
      public void onError(Throwable t) {
        aDone.complete(t);
      }

      @Override
      public void onCompleted() {
        aDone.complete(null);
      }
    });
    stalled.onNext(UpdateChunk.newBuilder().setHeader(a.header(ia, raw(1f), N)).build());
    await().atMost(Duration.ofSeconds(5)).until(() -> server.meterRegistry().get("flotilla.uploads.inflight").gauge().value() == 1);
    RawParticipant.Outcome refused = b.upload(b.header(ib, raw(1f), N).build(), raw(1f));
    assertThat(refused.error().getCode()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    assertThat(refused.error().getRetryAfterMillis()).isEqualTo(750);
    stalled.onError(Status.CANCELLED.asRuntimeException());
    await().atMost(Duration.ofSeconds(5)).until(() -> server.meterRegistry().get("flotilla.uploads.inflight").gauge().value() == 0);
    // verdicts come in cohort order, so both members upload at once
    CompletableFuture<RawParticipant.Outcome> fromA = CompletableFuture.supplyAsync(() -> {
      try {
        return uploadRetrying(a, a.header(ia, raw(1f), N).build(), raw(1f));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    RawParticipant.Outcome fromB = uploadRetrying(b, b.header(ib, raw(1f), N).build(), raw(1f));
    assertThat(fromB.accepted()).as(fromB.toString()).isTrue();
    assertThat(fromA.get(20, TimeUnit.SECONDS).accepted()).isTrue();
  }

  /** What a well-behaved client does: waits out RESOURCE_EXHAUSTED for the hinted time, then retries. */
  static RawParticipant.Outcome uploadRetrying(RawParticipant p, UpdateHeader h, byte[] payload) throws Exception {
    for (int i = 0; ; i++) {
      RawParticipant.Outcome o = p.upload(h, payload);
      if (o.error() == null || o.error().getCode() != ErrorCode.RESOURCE_EXHAUSTED || i == 20) {
        return o;
      }
      Thread.sleep(o.error().getRetryAfterMillis());
    }
  }

  @Test
  void aNewerPeersUnknownFieldsAndMessagesAreIgnoredAndOldVersionsRefused() throws Exception {
    start(1, 1, TransportConfig.builder().build());
    RawParticipant p = new RawParticipant(server.address());
    closeables.add(p);
    UnknownFieldSet extra = UnknownFieldSet.newBuilder()
        .addField(900, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("v1.7 field")).build())
        .build();
    // a message kind this coordinator does not know, then a hello carrying fields it does not know
    Hello hello = RawParticipant.hello("future").toBuilder().setProtocolVersion(3).setUnknownFields(extra).build();
    p.send(ParticipantMessage.newBuilder().setHello(hello).setUnknownFields(extra).build());
    CoordinatorMessage w = p.await(CoordinatorMessage::hasWelcome);
    assertThat(w.getWelcome().getProtocolVersion()).as("the version both speak").isEqualTo(1);
    p.send(ParticipantMessage.newBuilder().setUnknownFields(extra).build());
    p.token = w.getWelcome().getSessionToken();
    federation.start();
    TrainingInstruction in = p.awaitInstruction();
    UpdateHeader h = p.header(in, raw(0f), N).setUnknownFields(extra).build();
    assertThat(p.upload(h, raw(0f)).accepted()).isTrue();

    RawParticipant old = new RawParticipant(server.address());
    closeables.add(old);
    old.send(ParticipantMessage.newBuilder().setHello(RawParticipant.hello("old").toBuilder().setProtocolVersion(0)).build());
    Throwable t = old.ended.get(10, TimeUnit.SECONDS);
    assertThat(ProtoMapping.errorOf(t).getCode()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
  }

  @Test
  void metricsAndHealthAreServedOverHttp() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    federation = new FederationBuilder().initialModel(initial())
        .config(FederationConfig.builder().name("m").perRound(1).rounds(1).build()).build();
    server = CoordinatorServer.builder(federation).meterRegistry(registry).start();
    RawParticipant p = participant("p");
    federation.start();
    TrainingInstruction in = p.awaitInstruction();
    assertThat(p.upload(p.header(in, raw(0f), N).build(), raw(0f)).accepted()).isTrue();
    assertThat(federation.awaitTermination(Duration.ofSeconds(10))).isTrue();
    try (MetricsHttpServer http = MetricsHttpServer.start("127.0.0.1", 0, registry, server::health)) {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + http.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("flotilla_rounds_total{outcome=\"committed\"} 1.0")
          .contains("flotilla_sessions_active 1.0")
          .contains("flotilla_transport_bytes_total{direction=\"in\",kind=\"update\"} 32.0")
          .contains("flotilla_transport_upload_seconds_count");
      HttpResponse<String> health = client.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + http.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.body()).contains("\"state\":\"FINISHED\"").contains("\"model_version\":1");
    }
    HealthResponse h = CoordinatorGrpc.newBlockingStub(p.channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .health(HealthRequest.getDefaultInstance());
    assertThat(h.getModelVersion()).isEqualTo(1);
    assertThat(h.getMaxProtocolVersion()).isEqualTo(1);
  }

  @Test
  void gracefulShutdownLetsTheRoundInProgressCommit() throws Exception {
    start(1, 5, TransportConfig.builder().build());
    RawParticipant p = participant("p");
    federation.start();
    TrainingInstruction in = p.awaitInstruction();
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> server.shutdown(Duration.ofSeconds(10), true));
    await().atMost(Duration.ofSeconds(5)).until(() -> server.health().getStatus() == HealthResponse.Status.DRAINING);
    // draining: no new sessions, but the round in progress still takes its updates and commits
    RawParticipant late = new RawParticipant(server.address());
    closeables.add(late);
    late.send(ParticipantMessage.newBuilder().setHello(RawParticipant.hello("late")).build());
    assertThat(ProtoMapping.errorOf(late.ended.get(10, TimeUnit.SECONDS)).getCode()).isEqualTo(ErrorCode.SHUTTING_DOWN);
    assertThat(p.upload(p.header(in, raw(1f), N).build(), raw(1f)).accepted()).isTrue();
    stopping.get(15, TimeUnit.SECONDS);
    assertThat(p.await(CoordinatorMessage::hasShutdown).getShutdown().getReason()).contains("shutting down");
    assertThat(federation.state()).isEqualTo(FederationState.STOPPED);
    assertThat(events).filteredOn(FederationEvent.RoundCommitted.class::isInstance).hasSize(1);
    assertThat(events).noneMatch(e -> e instanceof FederationEvent.RoundAborted);
    assertThat(federation.globalModel().version()).isEqualTo(1);
  }

  @Test
  void abortingShutdownAbortsTheRoundInProgress() throws Exception {
    start(1, 5, TransportConfig.builder().build());
    RawParticipant p = participant("p");
    federation.start();
    p.awaitInstruction();
    server.shutdown(Duration.ofSeconds(5), false);
    assertThat(federation.state()).isEqualTo(FederationState.STOPPED);
    await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e instanceof FederationEvent.RoundAborted));
    assertThat(federation.globalModel().version()).isZero();
  }
}
