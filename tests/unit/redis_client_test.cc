#include "redis/redis_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "redis_test_server.h"

namespace ac {
namespace {

using namespace std::chrono_literals;
using redis_test::fixture_client;
using redis_test::unique;
using Type = RedisReply::Type;

TEST(RedisClient, PingAnswers) { EXPECT_TRUE(fixture_client()->ping()); }

TEST(RedisClient, ArgumentsAndRepliesAreBinarySafe) {
  auto client = fixture_client();
  const std::string key = unique("ac:test:binary:");
  const std::string value("a\0b\r\nc \"d\"\xff", 11);
  ASSERT_TRUE(client->command({"SET", key, value, "EX", "60"})->is_status("OK"));
  const auto reply = client->command({"GET", key});
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->type, Type::kString);
  EXPECT_EQ(reply->text, value);
}

TEST(RedisClient, EveryReplyTypeComesBackOwned) {
  auto client = fixture_client();
  const std::string key = unique("ac:test:types:");
  EXPECT_TRUE(client->command({"GET", key})->is_nil());
  const auto pushed = client->command({"RPUSH", key, "x", "yy"});
  ASSERT_TRUE(pushed);
  EXPECT_EQ(pushed->type, Type::kInteger);
  EXPECT_EQ(pushed->integer, 2);
  client->command({"EXPIRE", key, "60"});
  const auto range = client->command({"LRANGE", key, "0", "-1"});
  ASSERT_TRUE(range);
  ASSERT_EQ(range->type, Type::kArray);
  ASSERT_EQ(range->elements.size(), 2u);
  EXPECT_EQ(range->elements[1].text, "yy");
  // A command Redis refuses is an error reply, not an unreachable Redis.
  const auto wrong_type = client->command({"INCR", key});
  ASSERT_TRUE(wrong_type);
  EXPECT_TRUE(wrong_type->is_error());
  EXPECT_TRUE(wrong_type->text.starts_with("WRONGTYPE")) << wrong_type->text;
}

TEST(RedisClient, EvalSendsTheScriptWhenTheServerDoesNotKnowIt) {
  auto client = fixture_client();
  // A script no server has seen: EVALSHA answers NOSCRIPT, EVAL loads it.
  const RedisScript script("-- " + unique("") + "\nreturn {KEYS[1], ARGV[1]}");
  const auto known = [&] {
    return client->command({"SCRIPT", "EXISTS", script.sha1()})->elements.at(0).integer;
  };
  EXPECT_EQ(known(), 0);
  const auto reply = client->eval(script, {"k"}, {"v"});
  ASSERT_TRUE(reply) << reply.error().reason;
  ASSERT_EQ(reply->type, Type::kArray);
  EXPECT_EQ(reply->elements.at(0).text, "k");
  EXPECT_EQ(reply->elements.at(1).text, "v");
  EXPECT_EQ(known(), 1);
  EXPECT_TRUE(client->eval(script, {"k"}, {"v"}));
}

TEST(RedisClient, ManyThreadsShareASmallPool) {
  redis_test::PrivateRedis server;
  auto client = std::make_shared<RedisClient>(redis_test::loopback_url(server.port()),
                                              RedisClientOptions{.pool_size = 4});
  const std::string key = unique("ac:test:counter:");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 64; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        if (!client->command({"INCR", key})) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(client->command({"GET", key})->text, "3200");
  const std::string info = client->command({"INFO", "clients"})->text;
  EXPECT_NE(info.find("connected_clients:"), std::string::npos);
  const int connected = std::stoi(info.substr(info.find("connected_clients:") + 18));
  EXPECT_GE(connected, 1);
  EXPECT_LE(connected, 4);
}

TEST(RedisClient, AnUnreachableRedisFailsFast) {
  RedisClient client(redis_test::loopback_url(redis_test::unused_port()));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    const auto reply = client.command({"PING"});
    ASSERT_FALSE(reply);
    EXPECT_FALSE(reply.error().reason.empty());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_FALSE(client.ping());
}

TEST(RedisClient, AuthenticatesWithUserAndSelectsTheDatabase) {
  redis_test::PrivateRedis server("--requirepass correct-horse");
  auto url = redis_test::loopback_url(server.port());
  url.username = "default";
  url.password = Secret("correct-horse");
  url.db = 2;
  RedisClient client(url);
  ASSERT_TRUE(client.ping());
  ASSERT_TRUE(client.command({"SET", "in-db-2", "1"})->is_status("OK"));

  url.db = 0;
  RedisClient db0(url);
  EXPECT_TRUE(db0.command({"GET", "in-db-2"})->is_nil());
}

TEST(RedisClient, AWrongPasswordIsUnavailableAndNeverInTheReason) {
  redis_test::PrivateRedis server("--requirepass correct-horse");
  auto url = redis_test::loopback_url(server.port());
  url.password = Secret("wrong-battery-staple");
  RedisClient client(url);
  const auto reply = client.ping();
  ASSERT_FALSE(reply);
  EXPECT_NE(reply.error().reason.find("AUTH"), std::string::npos) << reply.error().reason;
  EXPECT_EQ(reply.error().reason.find("wrong-battery-staple"), std::string::npos)
      << reply.error().reason;
  EXPECT_EQ(reply.error().reason.find("correct-horse"), std::string::npos);
}

TEST(RedisClient, ReconnectsByItselfWhenRedisComesBack) {
  redis_test::PrivateRedis server;
  RedisClient client(redis_test::loopback_url(server.port()), {.pool_size = 4});
  ASSERT_TRUE(client.ping());
  server.stop();
  EXPECT_FALSE(client.ping());
  EXPECT_FALSE(client.ping());
  server.start();
  const auto back = std::chrono::steady_clock::now();
  while (!client.ping() && std::chrono::steady_clock::now() - back < 5s) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(client.ping());
  EXPECT_LT(std::chrono::steady_clock::now() - back, 5s);
}

}  // namespace
}  // namespace ac
