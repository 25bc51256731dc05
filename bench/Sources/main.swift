import Network
print("p2p-chat-bench: see bench/README.md")
