#include "oauth/redis_state_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "crypto/sha256.h"
#include "redis_test_server.h"

namespace ac {
namespace {

using namespace std::chrono_literals;
using redis_test::fixture_client;
using redis_test::unique;

MultiFernet cipher(const FernetKey& key) { return MultiFernet({key}); }

std::string hex(const Sha256Digest& digest) {
  std::string out;
  for (const auto byte : digest) {
    out += "0123456789abcdef"[byte >> 4];
    out += "0123456789abcdef"[byte & 15];
  }
  return out;
}

class RedisStateStoreTest : public ::testing::Test {
 protected:
  FernetKey key_ = FernetKey::generate();
  std::shared_ptr<RedisClient> client_ = fixture_client();
  RedisStateStore store_{client_, cipher(key_), 900s};
  std::string state_ = unique("state-");
  PkceVerifier verifier_ = PkceVerifier::generate();
};

TEST_F(RedisStateStoreTest, ConsumeReturnsTheVerifierOnce) {
  ASSERT_TRUE(store_.put(state_, "user-1", verifier_));
  const auto consumed = store_.consume(state_, "user-1");
  ASSERT_TRUE(consumed);
  EXPECT_EQ(consumed->text(), verifier_.text());
  EXPECT_EQ(store_.consume(state_, "user-1").error(), StateError::kUnknown);
}

TEST_F(RedisStateStoreTest, AWrongUserUsesTheStateUp) {
  ASSERT_TRUE(store_.put(state_, "user-1", verifier_));
  EXPECT_EQ(store_.consume(state_, "user-2").error(), StateError::kWrongUser);
  EXPECT_EQ(store_.consume(state_, "user-1").error(), StateError::kUnknown);
}

TEST_F(RedisStateStoreTest, ANeverIssuedStateIsUnknown) {
  EXPECT_EQ(store_.consume(state_, "user-1").error(), StateError::kUnknown);
}

TEST_F(RedisStateStoreTest, AReusedStateKeepsTheFirstEntry) {
  ASSERT_TRUE(store_.put(state_, "user-1", verifier_));
  ASSERT_TRUE(store_.put(state_, "user-2", PkceVerifier::generate()));
  const auto consumed = store_.consume(state_, "user-1");
  ASSERT_TRUE(consumed);
  EXPECT_EQ(consumed->text(), verifier_.text());
}

TEST_F(RedisStateStoreTest, AnotherInstanceWithRotatedKeysFinishesTheFlow) {
  // The second instance encrypts with a newer key and still reads what the first wrote.
  RedisStateStore other(fixture_client(), MultiFernet({FernetKey::generate(), key_}), 900s);
  ASSERT_TRUE(store_.put(state_, "user-1", verifier_));
  const auto consumed = other.consume(state_, "user-1");
  ASSERT_TRUE(consumed);
  EXPECT_EQ(consumed->text(), verifier_.text());
}

TEST_F(RedisStateStoreTest, OneOf64ConcurrentConsumersOnTwoInstancesWins) {
  RedisStateStore other(fixture_client(), cipher(key_), 900s);
  ASSERT_TRUE(store_.put(state_, "user-1", verifier_));
  std::atomic<bool> go{false};
  std::atomic<int> winners{0};
  std::atomic<int> unknown{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&, t] {
      while (!go) std::this_thread::yield();
      auto consumed = (t % 2 ? store_ : other).consume(state_, "user-1");
      if (consumed && consumed->text() == verifier_.text()) ++winners;
      if (!consumed && consumed.error() == StateError::kUnknown) ++unknown;
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(unknown, 63);
}

TEST_F(RedisStateStoreTest, RedisHoldsNeitherTheStateNorTheVerifierInClear) {
  const std::string user = unique("user-");
  ASSERT_TRUE(store_.put(state_, user, verifier_));
  const std::string key = "ac:state:" + hex(sha256(state_));
  EXPECT_EQ(client_->command({"EXISTS", key})->integer, 1);
  const auto ttl = client_->command({"TTL", key});
  EXPECT_GT(ttl->integer, 890);
  EXPECT_LE(ttl->integer, 900);

  const std::string verifier_text = verifier_.text();
  bool found_ours = false;
  std::string cursor = "0";
  do {
    const auto page = client_->command({"SCAN", cursor, "MATCH", "ac:state:*", "COUNT", "1000"});
    ASSERT_TRUE(page);
    cursor = page->elements.at(0).text;
    for (const auto& element : page->elements.at(1).elements) {
      found_ours |= element.text == key;
      EXPECT_EQ(element.text.find(state_), std::string::npos);
      const auto value = client_->command({"GET", element.text});
      ASSERT_TRUE(value);
      for (const std::string& clear : {state_, verifier_text, user}) {
        EXPECT_EQ(value->text.find(clear), std::string::npos);
      }
    }
  } while (cursor != "0");
  EXPECT_TRUE(found_ours);
}

TEST_F(RedisStateStoreTest, AnExpiredStateIsUnknown) {
  RedisStateStore short_lived(client_, cipher(key_), 1s);
  ASSERT_TRUE(short_lived.put(state_, "user-1", verifier_));
  std::this_thread::sleep_for(2100ms);
  EXPECT_EQ(short_lived.consume(state_, "user-1").error(), StateError::kUnknown);
}

TEST_F(RedisStateStoreTest, AnUndecryptableValueIsUnknownAndUsedUp) {
  RedisStateStore other_key(client_, cipher(FernetKey::generate()), 900s);
  ASSERT_TRUE(store_.put(state_, "user-1", verifier_));
  EXPECT_EQ(other_key.consume(state_, "user-1").error(), StateError::kUnknown);
  EXPECT_EQ(store_.consume(state_, "user-1").error(), StateError::kUnknown);
}

// A value under our key that is no state this build wrote (a newer format, another writer).
TEST_F(RedisStateStoreTest, AValueOfAnUnknownFormatIsUnknownAndUsedUp) {
  const std::string key = "ac:state:" + hex(sha256(state_));
  for (const std::string& value :
       {std::string("\x02") + std::string(32, 'v') + "user-1", std::string("\x01short")}) {
    ASSERT_TRUE(client_->command({"SET", key, cipher(key_).encrypt(value).value()}));
    EXPECT_EQ(store_.consume(state_, "user-1").error(), StateError::kUnknown);
    EXPECT_EQ(client_->command({"EXISTS", key})->integer, 0);
  }
}

TEST_F(RedisStateStoreTest, AnUnreachableRedisIsUnavailable) {
  RedisStateStore down(
      std::make_shared<RedisClient>(redis_test::loopback_url(redis_test::unused_port())),
      cipher(key_), 900s);
  EXPECT_EQ(down.put(state_, "user-1", verifier_).error(), StateError::kUnavailable);
  EXPECT_EQ(down.consume(state_, "user-1").error(), StateError::kUnavailable);
}

}  // namespace
}  // namespace ac
