print("p2p-chat")
