// SPDX-License-Identifier: Apache-2.0
// The customers' reward token: an ERC-20 whose supply moves only with settlements.
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IRewardToken
/// @notice ERC-20 (6 decimals: one unit = one micro-EUR of reward) minted and burned only by the settlement contract.
interface IRewardToken is IERC20 {
    /// @notice `caller` tried to mint or burn but is not the settlement contract.
    error RewardTokenUnauthorizedMinter(address caller);
    /// @notice `wallet` can transfer only `available` now (rewards still locked, or penalty debt outstanding).
    error RewardTokenLocked(address wallet, uint256 amount, uint256 available);

    /// @notice The only account allowed to mint and burn (the Settlement contract).
    /// @return The minter.
    function minter() external view returns (address);

    /// @notice Mints a reward.
    /// @param to The customer's wallet.
    /// @param amount Units (micro-EUR).
    function mint(address to, uint256 amount) external;

    /// @notice Burns a penalty.
    /// @param from The customer's wallet.
    /// @param amount Units (micro-EUR), at most its balance.
    function burn(address from, uint256 amount) external;

    /// @notice Marks a wallet as owing (or no longer owing) a penalty: a wallet in debt cannot transfer (minter).
    /// @param wallet The customer's wallet.
    /// @param inDebt Whether it owes.
    function setInDebt(address wallet, bool inDebt) external;

    /// @notice Rewards still locked in a wallet (collectable by penalties).
    /// @param wallet The wallet.
    /// @return Units.
    function lockedBalanceOf(address wallet) external view returns (uint256);

    /// @notice What a wallet may transfer now.
    /// @param wallet The wallet.
    /// @return Units.
    function transferableBalanceOf(address wallet) external view returns (uint256);
}
