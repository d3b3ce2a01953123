#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <numeric>
#include <random>

#include "fixtures.h"
#include "senti/csv.h"
#include "senti/error.h"
#include "senti/predictor.h"
#include "senti/tfidf_model.h"
#include "test_util.h"

namespace {

struct Rows {
  std::vector<std::string> texts;
  std::vector<int64_t> labels;  // negative 0, positive 1 (scikit-learn's sorted order)
};

Rows sample_rows(const std::string& file) {
  Rows rows;
  for (const auto& record : senti::read_csv(senti::test::sample_data(file), ',').records) {
    rows.texts.push_back(record.fields.at(0));
    rows.labels.push_back(record.fields.at(1) == "positive" ? 1 : 0);
  }
  return rows;
}

std::vector<float> probabilities(const senti::TfidfModel& model, const std::string& text) {
  std::vector<float> out(static_cast<size_t>(model->classes()));
  model->probabilities(text, out.data());
  return out;
}

}  // namespace

TEST_CASE("tfidf model: fits scikit-learn's TF-IDF + LogisticRegression(C=4) optimum", "[tfidf]") {
  const auto train = sample_rows("train.csv");
  const auto test = sample_rows("test.csv");
  senti::LinearOptions options;
  options.buckets = 1 << 24;  // no collisions among the sample's 2,362 n-grams
  options.max_iterations = 1000;
  const auto model = senti::fit_tfidf_model(train.texts, train.labels, 2, options, 1);
  CHECK(model->features() == 2362);  // the vocabulary size scikit-learn finds
  // P(positive) for the first test rows, from scikit-learn 1.2 on the same files:
  // make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
  //            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))
  // and LogisticRegression(C=4, tol=1e-8).
  const std::vector<double> expected = {0.0289, 0.9219, 0.1962, 0.0693, 0.0341, 0.1087,
                                        0.9612, 0.0372, 0.0355, 0.4277, 0.9566, 0.0247};
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto p = probabilities(model, test.texts[i]);
    CHECK(p[0] + p[1] == Approx(1.0f).margin(1e-5));
    CHECK(p[1] == Approx(expected[i]).margin(0.003));
  }
}

TEST_CASE("tfidf model: over --linear-max-entries it fits a seeded sample of the texts",
          "[tfidf]") {
  const auto train = sample_rows("train.csv");
  const auto test = sample_rows("test.csv");
  const auto fit = [&](int64_t max_entries, uint64_t seed) {
    senti::LinearOptions options;
    options.max_entries = max_entries;
    return senti::fit_tfidf_model(train.texts, train.labels, 2, options, seed);
  };
  const auto accuracy = [&](const senti::TfidfModel& model) {
    size_t right = 0;
    for (size_t i = 0; i < test.texts.size(); ++i) {
      const auto p = probabilities(model, test.texts[i]);
      right += (p[1] > p[0] ? 1 : 0) == test.labels[i] ? 1 : 0;
    }
    return static_cast<double>(right) / static_cast<double>(test.texts.size());
  };
  const auto all = fit(senti::LinearOptions{}.max_entries, 1);
  // Under the budget nothing changes, whatever the seed.
  const auto under = fit(int64_t{1} << 20, 2);
  CHECK(under->features() == all->features());
  CHECK(probabilities(under, test.texts[0]) == probabilities(all, test.texts[0]));

  // The sample's n-grams only (about half of the texts here), the same for the same seed,
  // another for another seed; it still learns from what it fits.
  const auto sampled = fit(20000, 1);
  CHECK(sampled->features() < all->features());
  const auto again = fit(20000, 1);
  CHECK(again->features() == sampled->features());
  for (size_t i = 0; i < 5; ++i)
    CHECK(probabilities(again, test.texts[i]) == probabilities(sampled, test.texts[i]));
  CHECK(fit(20000, 7)->features() != sampled->features());
  CHECK(accuracy(sampled) >= 0.75);
  CHECK(accuracy(all) >= accuracy(sampled));

  // A budget smaller than any text still fits one.
  const auto one = fit(1, 1);
  CHECK(one->features() > 0);
  const auto p = probabilities(one, test.texts[0]);
  CHECK(p[0] + p[1] == Approx(1.0f).margin(1e-5));
}

TEST_CASE("tfidf model: a stop request ends the fit with a null model", "[tfidf]") {
  const auto train = sample_rows("train.csv");
  const auto test = sample_rows("test.csv");
  const senti::LinearOptions options;
  const auto plain = senti::fit_tfidf_model(train.texts, train.labels, 2, options, 1);
  // Asked, never answered yes: the same model as without asking.
  int asked = 0;
  const auto never = senti::fit_tfidf_model(train.texts, train.labels, 2, options, 1, [&] {
    ++asked;
    return false;
  });
  REQUIRE(never);
  CHECK(probabilities(never, test.texts[0]) == probabilities(plain, test.texts[0]));
  const int all_asks = asked;
  CHECK(all_asks > 3);  // while counting, while building rows, and per evaluation of the loss
  // A yes at any of those points ends it.
  for (const int stop_at : {1, 2, 3, all_asks}) {
    int calls = 0;
    const auto stopped = senti::fit_tfidf_model(train.texts, train.labels, 2, options, 1,
                                                [&] { return ++calls >= stop_at; });
    CHECK_FALSE(stopped);
    CHECK(calls == stop_at);
  }
}

TEST_CASE("tfidf model: three classes, unseen words, empty text", "[tfidf]") {
  const std::vector<std::string> texts = {"great film", "great cast",  "awful film",
                                          "awful plot", "it was okay", "okay I guess"};
  const std::vector<int64_t> labels = {0, 0, 1, 1, 2, 2};
  const auto model = senti::fit_tfidf_model(texts, labels, 3, senti::LinearOptions{}, 1);
  REQUIRE(model->classes() == 3);
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto p = probabilities(model, texts[i]);
    CHECK(std::accumulate(p.begin(), p.end(), 0.0f) == Approx(1.0f).margin(1e-5));
    CHECK(std::max_element(p.begin(), p.end()) - p.begin() == labels[i]);
  }
  // Nothing known: only the bias speaks, the same for every such text, and it is unsure.
  const auto bias_only = probabilities(model, "");
  CHECK(*std::max_element(bias_only.begin(), bias_only.end()) < 0.5f);
  for (const char* unknown : {"zzzz qqqq", "!!!"})
    CHECK(probabilities(model, unknown) == bias_only);

  // Scoring with evidence for every class: the same probabilities up to float rounding, and per
  // class what evidence() gives; centred, so each chunk's values over the classes sum to 0.
  for (const std::string text : {"great film , awful plot", "okay  great", "zzzz", ""}) {
    senti::ClassEvidence all;
    std::vector<float> p(3);
    model->probabilities(text, p.data(), &all);
    const auto fast = probabilities(model, text);  // without evidence: another path (see below)
    for (size_t c = 0; c < 3; ++c) CHECK(fast[c] == Approx(p[c]).margin(1e-6));
    REQUIRE(all.classes == 3);
    REQUIRE(all.values.size() == all.chunks.size() * 3);
    for (size_t k = 0; k < all.chunks.size(); ++k) {
      CHECK(all.values[3 * k] + all.values[3 * k + 1] + all.values[3 * k + 2] ==
            Approx(0.0f).margin(1e-6));
    }
    const auto* b = model->bias.data_ptr<float>();
    const double mean_log_p = (std::log(p[0]) + std::log(p[1]) + std::log(p[2])) / 3.0;
    for (int64_t label = 0; label < 3; ++label) {
      // The values plus the centred bias sum to the centred logit.
      double sum = b[label] - (b[0] + b[1] + b[2]) / 3.0;
      for (size_t k = 0; k < all.chunks.size(); ++k) sum += all.values[3 * k + label];
      CHECK(sum == Approx(std::log(p[label]) - mean_log_p).margin(1e-4));
      auto copy = all;
      const auto taken = copy.take(label);
      const auto expected = model->evidence(text, label);
      REQUIRE(taken.size() == expected.size());
      for (size_t k = 0; k < taken.size(); ++k) {
        CHECK(taken[k].text == expected[k].text);
        CHECK(taken[k].value == expected[k].value);
      }
    }
  }
}

TEST_CASE("tfidf model: scores agree with the evidence for 2 to 5 classes", "[tfidf]") {
  // Without evidence, probabilities() scores each block in one pass, with code special to 2 and 3
  // classes and a general loop for more, raising a repeated n-gram's value as its count grows;
  // with evidence it lists the entries first, and the evidence is summed apart, per occurrence.
  // All three must give the same scores up to float rounding.
  const std::vector<std::string> words = {"great", "awful", "okay", "strange", "boring"};
  for (int64_t classes = 2; classes <= 5; ++classes) {
    std::vector<std::string> texts;
    std::vector<int64_t> labels;
    for (int64_t c = 0; c < classes; ++c) {
      texts.push_back(words[static_cast<size_t>(c)] + " film");
      texts.push_back("a " + words[static_cast<size_t>(c)] + " plot, " +
                      words[static_cast<size_t>(c)]);
      labels.insert(labels.end(), {c, c});
    }
    const auto model = senti::fit_tfidf_model(texts, labels, classes, senti::LinearOptions{}, 1);
    const auto* b = model->bias.data_ptr<float>();
    for (const std::string text : {"great film , awful plot", "strange boring okay okay", "zz",
                                   "great great great film film film film awful awful"}) {
      senti::ClassEvidence all;
      std::vector<float> p(static_cast<size_t>(classes));
      model->probabilities(text, p.data(), &all);
      const auto fast = probabilities(model, text);
      for (int64_t c = 0; c < classes; ++c) {
        CHECK(fast[static_cast<size_t>(c)] == Approx(p[static_cast<size_t>(c)]).margin(1e-6));
      }
      double mean_log_p = 0.0, mean_bias = 0.0;
      for (int64_t c = 0; c < classes; ++c) {
        mean_log_p += std::log(p[static_cast<size_t>(c)]) / static_cast<double>(classes);
        mean_bias += b[c] / static_cast<double>(classes);
      }
      for (int64_t c = 0; c < classes; ++c) {
        double sum = b[c] - mean_bias;
        for (size_t k = 0; k < all.chunks.size(); ++k) {
          sum += all.values[k * static_cast<size_t>(classes) + static_cast<size_t>(c)];
        }
        INFO(classes << " classes, \"" << text << "\", class " << c);
        CHECK(sum == Approx(std::log(p[static_cast<size_t>(c)]) - mean_log_p).margin(1e-4));
      }
    }
  }
}

TEST_CASE("tfidf model: evidence per word adds up to the model's score", "[tfidf]") {
  const auto train = sample_rows("train.csv");
  const auto model = senti::fit_tfidf_model(train.texts, train.labels, 2, {}, 1);
  const auto b = model->bias.data_ptr<float>();
  for (const std::string text : {"The waiter was friendly and the soup was great .",
                                 "Terrible  battery, never again", "zzzz qqqq", ""}) {
    const auto p = probabilities(model, text);
    for (int64_t label = 0; label < 2; ++label) {
      const auto evidence = model->evidence(text, label);
      // Centred logit of `label` from the probabilities: half the log-odds for two classes.
      const double centred = 0.5 * (std::log(p[label]) - std::log(p[1 - label]));
      double sum = b[label] - 0.5 * (b[0] + b[1]);
      for (const auto& word : evidence) sum += word.value;
      CHECK(sum == Approx(centred).margin(1e-4));
    }
  }
  // One entry per whitespace-separated chunk, as written; a word for one class is as much
  // against the other.
  const auto evidence = model->evidence("Terrible  battery, never again", 0);
  REQUIRE(evidence.size() == 4);
  CHECK(evidence[0].text == "Terrible");
  CHECK(evidence[1].text == "battery,");
  CHECK(evidence[0].value > 0.0f);  // "terrible" speaks for negative (class 0)
  const auto against = model->evidence("Terrible  battery, never again", 1);
  for (size_t i = 0; i < evidence.size(); ++i) {
    CHECK(against[i].value == Approx(-evidence[i].value).margin(1e-6));
  }
  // Arbitrary bytes (spaces of every kind, broken UTF-8, NUL): the same sum, no stray reads.
  std::mt19937 random(7);
  const std::string alphabet =
      std::string("ab \t\n\r\v\f,.!\xC3\xA9\xE2\x80\x99\x80\xFF", 18) + std::string(1, '\0');
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const auto length = random() % 40;
    for (size_t k = 0; k < length; ++k) text.push_back(alphabet[random() % alphabet.size()]);
    const auto p = probabilities(model, text);
    double sum = b[1] - 0.5 * (b[0] + b[1]);
    for (const auto& word : model->evidence(text, 1)) sum += word.value;
    CHECK(sum == Approx(0.5 * (std::log(p[1]) - std::log(p[0]))).margin(1e-4));
  }
  CHECK(model->evidence("", 0).empty());
  CHECK_THROWS_WITH(model->evidence("fine", 2), Catch::Contains("class 2"));
}

TEST_CASE("tfidf model: a chunk cache changes nothing but speed", "[tfidf]") {
  const auto train = sample_rows("train.csv");
  const auto model = senti::fit_tfidf_model(train.texts, train.labels, 2, {}, 1);
  auto texts = sample_rows("test.csv").texts;
  const std::string long_chunk(70, 'x');  // longer than the cache keeps
  for (const char* text :
       {"", "   ", "GREAT great gReAt", "caf\xC3\xA9 \xFF\x80 ok", "the the the the soup"}) {
    texts.emplace_back(text);
  }
  texts.push_back("a " + long_chunk + " plot " + long_chunk);
  senti::TfidfChunkCache cache;
  // Filling the cache, then reading from it: probabilities and evidence as without one.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& text : texts) {
      INFO("pass " << pass << ": '" << text << "'");
      std::vector<float> cached(2), plain(2);
      senti::ClassEvidence cached_evidence, plain_evidence;
      model->probabilities(text, cached.data(), &cached_evidence, &cache);
      model->probabilities(text, plain.data(), &plain_evidence);
      CHECK(cached == plain);
      CHECK(cached_evidence.chunks == plain_evidence.chunks);
      CHECK(cached_evidence.values == plain_evidence.values);
      // Without evidence (the other path: same scores up to rounding), the same with or without.
      model->probabilities(text, cached.data(), nullptr, &cache);
      model->probabilities(text, plain.data());
      CHECK(cached == plain);
    }
  }
  CHECK(cache.size() > 0);
  // Another model's rows are not this one's: a cache used by one model is emptied by the next.
  const std::vector<std::string> other_texts = {"great film", "awful film", "fine soup"};
  const auto other = senti::fit_tfidf_model(other_texts, {1, 0, 1}, 2, {}, 1);
  for (const auto& text : texts) {
    std::vector<float> cached(2), plain(2);
    other->probabilities(text, cached.data(), nullptr, &cache);
    other->probabilities(text, plain.data());
    CHECK(cached == plain);
  }
}

TEST_CASE("tfidf model: the share in the mix is chosen by validation loss", "[tfidf]") {
  const std::vector<int64_t> gold = {0, 1, 1, 0};
  const auto right = torch::tensor({0.9f, 0.1f, 0.2f, 0.8f, 0.1f, 0.9f, 0.7f, 0.3f}).view({4, 2});
  const auto unsure = torch::full({4, 2}, 0.5f);
  const auto wrong = 1.0f - right;
  CHECK(senti::best_linear_share(unsure, right, gold) == 1.0);
  CHECK(senti::best_linear_share(right, unsure, gold) == 0.0);
  CHECK(senti::best_linear_share(right, wrong, gold) == 0.0);
  // Two equally good models that are wrong on different rows: the mix beats either.
  const auto a = torch::tensor({0.9f, 0.1f, 0.4f, 0.6f, 0.6f, 0.4f, 0.9f, 0.1f}).view({4, 2});
  const auto b = torch::tensor({0.6f, 0.4f, 0.1f, 0.9f, 0.1f, 0.9f, 0.4f, 0.6f}).view({4, 2});
  const double share = senti::best_linear_share(a, b, gold);
  CHECK(share > 0.2);
  CHECK(share < 0.8);
  CHECK(senti::best_linear_share(a, b, {}) == 0.5);
}

TEST_CASE("tfidf model: saved in the bundle, mixed into predictions, checked on load",
          "[tfidf][bundle]") {
  auto small = senti::test::train_small_model(2);
  const auto train = sample_rows("train.csv");
  senti::LinearPart linear{senti::fit_tfidf_model(train.texts, train.labels, 2, {}, 1), 0.3};
  senti::test::TempDir dir;
  const auto path = dir.file("model");
  const nlohmann::json config = {{"training", {{"seed", 1}}}, {"history", nlohmann::json::array()}};
  senti::save_bundle(path, small.model, small.tokenizer, small.labels, 64, config, linear);
  const senti::Predictor mixed(senti::load_bundle(path));
  REQUIRE(mixed.bundle().linear.model);
  CHECK(mixed.bundle().linear.share == 0.3);

  const auto neural_path = dir.file("neural");
  senti::save_bundle(neural_path, small.model, small.tokenizer, small.labels, 64, config);
  const senti::Predictor neural(senti::load_bundle(neural_path));
  CHECK(!neural.bundle().linear.model);

  const std::vector<std::string> texts(train.texts.begin(), train.texts.begin() + 20);
  const auto with = mixed.predict(texts, /*with_attention=*/true);
  const auto without = neural.predict(texts, /*with_attention=*/true);
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto p = probabilities(linear.model, texts[i]);
    for (size_t c = 0; c < 2; ++c) {
      CHECK(with[i].probabilities[c] ==
            Approx(0.3 * p[c] + 0.7 * without[i].probabilities[c]).margin(1e-5));
    }
    CHECK(with[i].attention == without[i].attention);  // attention stays the neural model's
    // The TF-IDF model's part is explained by its evidence for the mixed answer.
    CHECK(without[i].evidence.empty());
    const auto evidence = linear.model->evidence(texts[i], with[i].label);
    REQUIRE(with[i].evidence.size() == evidence.size());
    for (size_t k = 0; k < evidence.size(); ++k) {
      CHECK(with[i].evidence[k].text == evidence[k].text);
      CHECK(with[i].evidence[k].value == evidence[k].value);
    }
  }
  CHECK(mixed.predict(texts, /*with_attention=*/false).front().evidence.empty());

  // A damaged or mis-described linear part is refused with the file named.
  std::string config_text;
  {
    std::ifstream in(path + "/config.json");
    config_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto edited = nlohmann::json::parse(config_text);
  edited["linear"]["share"] = 1.5;
  std::ofstream(path + "/config.json") << edited.dump();
  REQUIRE_THROWS_WITH(senti::load_bundle(path), Catch::Contains("linear.share"));
  edited["linear"]["share"] = 0.3;
  edited["linear"]["buckets"] = int64_t{1} << 40;  // refused before anything that size is made
  std::ofstream(path + "/config.json") << edited.dump();
  REQUIRE_THROWS_WITH(senti::load_bundle(path), Catch::Contains("out of range"));
  edited["linear"]["buckets"] = linear.model->num_buckets();
  edited["linear"]["features"] = 5;
  std::ofstream(path + "/config.json") << edited.dump();
  REQUIRE_THROWS_WITH(senti::load_bundle(path), Catch::Contains("linear.pt"));
}
