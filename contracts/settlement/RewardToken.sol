// SPDX-License-Identifier: Apache-2.0
// The customers' reward token: minted for delivered flexibility, burned for penalties, by settlement only.
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IRewardToken} from "../interfaces/IRewardToken.sol";

/// @title RewardToken
/// @notice Guarantees: only `minter` (the Settlement contract that deployed it) changes the supply. A penalty can
/// always be collected from recent rewards: each mint locks its amount in the wallet for HOLD_SECONDS (the lock of a
/// wallet is one bucket whose release moves with its latest reward), and a wallet with penalty debt cannot transfer
/// at all. Burns take locked tokens first.
contract RewardToken is ERC20, IRewardToken {
    /// @notice How long a reward stays locked in the wallet it was paid to.
    uint64 public constant HOLD_SECONDS = 7 days;

    /// @dev One slot per wallet: locked amount, when it unlocks, and whether the wallet owes a penalty.
    struct Lock {
        uint184 lockedMicroEur;
        uint64 unlockTime;
        bool inDebt;
    }

    address private immutable _minter;
    mapping(address wallet => Lock) private _locks;

    /// @param minter_ The only account allowed to mint and burn.
    constructor(address minter_) ERC20("FlexGrid Reward", "FLEXR") {
        _minter = minter_;
    }

    modifier onlyMinter() {
        if (msg.sender != _minter) revert RewardTokenUnauthorizedMinter(msg.sender);
        _;
    }

    /// @notice One unit is one micro-EUR of reward.
    /// @return 6.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @inheritdoc IRewardToken
    function minter() external view returns (address) {
        return _minter;
    }

    /// @inheritdoc IRewardToken
    function mint(address to, uint256 amount) external onlyMinter {
        Lock storage lock = _locks[to];
        (lock.lockedMicroEur, lock.unlockTime) = (
            uint184(_lockedNow(lock) + amount),
            uint64(block.timestamp) + HOLD_SECONDS
        );
        _mint(to, amount);
    }

    /// @inheritdoc IRewardToken
    function burn(address from, uint256 amount) external onlyMinter {
        Lock storage lock = _locks[from];
        uint256 locked = _lockedNow(lock);
        lock.lockedMicroEur = uint184(locked > amount ? locked - amount : 0);
        _burn(from, amount);
    }

    /// @inheritdoc IRewardToken
    function setInDebt(address wallet, bool inDebt) external onlyMinter {
        _locks[wallet].inDebt = inDebt;
    }

    /// @inheritdoc IRewardToken
    function lockedBalanceOf(address wallet) external view returns (uint256) {
        return _lockedNow(_locks[wallet]);
    }

    /// @inheritdoc IRewardToken
    function transferableBalanceOf(address wallet) public view returns (uint256) {
        Lock storage lock = _locks[wallet];
        if (lock.inDebt) return 0;
        uint256 locked = _lockedNow(lock);
        uint256 balance = balanceOf(wallet);
        return balance > locked ? balance - locked : 0;
    }

    /// @dev Transfers (not mints or burns) move only the unlocked part of a wallet not in debt.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 available = transferableBalanceOf(from);
            if (value > available) revert RewardTokenLocked(from, value, available);
        }
        super._update(from, to, value);
    }

    function _lockedNow(Lock storage lock) private view returns (uint256) {
        return block.timestamp < lock.unlockTime ? lock.lockedMicroEur : 0;
    }
}
