# senti, built exactly as CI builds it (scripts/setup.sh on Debian bookworm).
#
#   docker build -t senti .
#   docker run --rm -i -v "$PWD/models/sst2:/model:ro" senti            # predict, model at /model
#   docker run --rm -i -v "$PWD/m:/m:ro" senti --model /m --format json
FROM debian:bookworm-slim

WORKDIR /senti
COPY . /senti
RUN apt-get update \
    && scripts/setup.sh \
    && ln -s /senti/build/bin/senti-train /senti/build/bin/senti-eval \
             /senti/build/bin/senti-predict /usr/local/bin/ \
    && rm -rf /var/lib/apt/lists/*

ENTRYPOINT ["/senti/build/bin/senti-predict"]
CMD ["--model", "/model"]
